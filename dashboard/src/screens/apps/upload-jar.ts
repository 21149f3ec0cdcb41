import { signInHref } from '../../api/client.ts';
import { problemOf } from '../../api/problem.ts';
import type { AppVersion } from './apps-queries.ts';

/**
 * Sends the JAR as the raw body. XMLHttpRequest, not fetch: only it reports upload progress.
 * The path is the one typed in schema.d.ts ('/api/tenants/{tenant}/apps/{app}/versions').
 */
export function uploadJar(
  tenant: string,
  app: string,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<AppVersion> {
  const query = new URLSearchParams({ filename: file.name });
  const url = `/api/tenants/${encodeURIComponent(tenant)}/apps/${encodeURIComponent(app)}/versions?${query}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', 'application/java-archive');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as AppVersion);
        return;
      }
      if (xhr.status === 401) location.assign(signInHref());
      const fallback =
        xhr.status === 413
          ? { title: 'The JAR is too large', detail: 'It is over the size cap of the edge.' }
          : undefined;
      reject(problemOf(xhr.status, body ?? fallback));
    };
    xhr.onerror = () => reject(new TypeError('The upload could not reach the server'));
    xhr.send(file);
  });
}
