/**
 * `docker build` as the runner relays it is a dozen lines per step (layer ids, "Using cache",
 * intermediate containers, the output of every RUN). A deployment followed in a terminal shows one
 * line per step and a summary once the image is tagged; `--verbose` shows everything. Lines that
 * are not part of a build (download, container start, health) pass through unchanged.
 */
export type ProgressFilter = (line: string) => string[];

/** Every line as the runner sent it. */
export const verboseProgress: ProgressFilter = (line) => [line];

const stepLine = /^Step (\d+)\/(\d+) : /;
const taggedLine = /^Successfully tagged (\S+)/;

/** A filter with its own memory of the build under way: make one per deployment followed. */
export function compactBuildProgress(): ProgressFilter {
  let building = false;
  let steps = 0;
  let cached = 0;
  return (line) => {
    const step = stepLine.exec(line);
    if (step) {
      building = true;
      steps = Number(step[2]);
      return [line];
    }
    if (!building) return [line];
    const tagged = taggedLine.exec(line);
    if (tagged) {
      building = false;
      return [`image built: ${tagged[1]} (${steps} steps, ${cached} from cache)`];
    }
    if (line.trim() === '---> Using cache') cached++;
    return [];
  };
}
