/** Shared by the front tests: a client that keeps requesting an app URL while a deploy switches versions. */
import { fetchApp } from '../src/front/index.ts';

export type SwitchWatcher = {
  /** Stops the loop; every answer seen, in order, and every request that did not answer 200. */
  stop(): Promise<{ bodies: string[]; failures: string[] }>;
};

export function watchUrl(url: string, clients = 4): SwitchWatcher {
  const bodies: string[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const res = await fetchApp(url, { signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        if (res.status === 200) bodies.push(text.trim());
        else failures.push(`${res.status} ${text}`);
      } catch (err) {
        failures.push(String((err as Error).cause ?? err));
      }
    }
  };
  const loops = Array.from({ length: clients }, loop);
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { bodies, failures };
    },
  };
}
