import { useEffect, useRef, useState } from 'react';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'ended';

type Handlers = Record<string, (data: string, id: string) => void>;

/**
 * Follows a server-sent event stream of the edge. The browser's EventSource reconnects by itself
 * and sends Last-Event-ID, so the edge resumes after the last event this tab saw: a tab that was in
 * the background catches up without a gap. The stream ends at its `end` event, or when `url` is null.
 */
export function useEventStream(url: string | null, handlers: Handlers): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!url) {
      setStatus('ended');
      return;
    }
    setStatus('connecting');
    const source = new EventSource(url, { withCredentials: true });
    const names = new Set([...Object.keys(latest.current), 'end']);
    for (const name of names)
      source.addEventListener(name, (event) => {
        const message = event as MessageEvent<string>;
        latest.current[name]?.(message.data, message.lastEventId);
        if (name === 'end') {
          source.close();
          setStatus('ended');
        }
      });
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting');
    return () => source.close();
  }, [url]);

  return status;
}
