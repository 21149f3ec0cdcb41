const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * Prefixed, time-sortable id like a monotonic ULID, e.g. `app_01jd…`: the prefix
 * says what it names; 10 chars of milliseconds keep ids in creation order, and
 * 16 random chars (80 bits) are incremented within one millisecond so order holds there too.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now <= lastTime) {
    increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b & 31);
  }
  let time = '';
  for (let t = lastTime, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = alphabet[t % 32] + time;
  return `${prefix}_${time}${lastRandom.map((d) => alphabet[d]).join('')}`;
}

function increment(digits: number[]): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    const next = (digits[i] ?? 0) + 1;
    digits[i] = next & 31;
    if (next < 32) return;
  }
}

export const idPrefixes = {
  tenant: 'tnt',
  user: 'usr',
  member: 'mem',
  environment: 'env',
  app: 'app',
  apiToken: 'tok',
  audit: 'aud',
  loginTicket: 'lgn',
  request: 'req',
  deployment: 'dep',
  deploymentEvent: 'dpe',
  runner: 'rnr',
  registrationToken: 'rgt',
  command: 'cmd',
  commandEvent: 'cev',
  version: 'ver',
  artifact: 'art',
  configEntry: 'cfg',
  licence: 'lic',
  usageEvent: 'use',
  agentRegistration: 'agt',
} as const;

export type IdPrefix = (typeof idPrefixes)[keyof typeof idPrefixes];
