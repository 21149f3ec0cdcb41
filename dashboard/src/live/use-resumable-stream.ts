import { useEffect, useRef, useState } from 'react';
import type { StreamStatus } from './use-event-stream.ts';

type Handlers = Record<string, (data: string) => void>;

/** After a stream failed for good (the browser gave up), the next attempt waits this long, doubling. */
const firstRetryMs = 1_000;
const lastRetryMs = 15_000;

/**
 * Follows a server-sent event stream whose events carry ids, resuming exactly after the last event
 * handled: the browser's own reconnect sends Last-Event-ID; when the browser gives up (the network
 * was gone, the tab was frozen in the background) this opens the stream again with `after=`, at once
 * when the tab comes back. Every event is handled once. The stream ends at `end`, or when `url` is null.
 */
export function useResumableStream(url: string | null, handlers: Handlers): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!url) {
      setStatus('ended');
      return;
    }
    let source: EventSource | undefined;
    let lastId = '';
    let retryMs = firstRetryMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;

    const open = () => {
      clearTimeout(timer);
      source?.close();
      const target = lastId
        ? `${url}${url.includes('?') ? '&' : '?'}after=${encodeURIComponent(lastId)}`
        : url;
      const current = new EventSource(target, { withCredentials: true });
      source = current;
      for (const name of new Set([...Object.keys(latest.current), 'end'])) {
        current.addEventListener(name, (event) => {
          const message = event as MessageEvent<string>;
          if (message.lastEventId) lastId = message.lastEventId;
          latest.current[name]?.(message.data);
          if (name === 'end') {
            done = true;
            current.close();
            setStatus('ended');
          }
        });
      }
      current.onopen = () => {
        retryMs = firstRetryMs;
        setStatus('live');
      };
      current.onerror = () => {
        if (done) return;
        setStatus('reconnecting');
        if (current.readyState !== EventSource.CLOSED) return;
        timer = setTimeout(open, retryMs);
        retryMs = Math.min(retryMs * 2, lastRetryMs);
      };
    };
    const onVisible = () => {
      if (!done && document.visibilityState === 'visible' && source?.readyState === EventSource.CLOSED)
        open();
    };

    setStatus('connecting');
    open();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', onVisible);
    return () => {
      done = true;
      clearTimeout(timer);
      source?.close();
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', onVisible);
    };
  }, [url]);

  return status;
}
