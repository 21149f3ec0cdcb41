/**
 * What each tier may do: its environments, its limits and its features, in
 * one table. The edge enforces it, licences carry it, the CLI prints it.
 */
export const tierNames = ['low', 'mid', 'high'] as const;
export type TierName = (typeof tierNames)[number];

export type TierLimits = {
  apps: number;
  runners: number;
  /** Environments in all, the standard ones included. */
  environments: number;
  retentionDays: number;
  /** Largest memory (MB) one app may be given. */
  memoryMbPerApp: number;
};

export type Tier = {
  name: TierName;
  /** Standard environments the tier has. */
  environments: readonly string[];
  /** Whether environments beyond the standard ones may be created. */
  customEnvironments: boolean;
  limits: TierLimits;
  features: readonly string[];
};

export const tiers: Record<TierName, Tier> = {
  low: {
    name: 'low',
    environments: ['prod'],
    customEnvironments: false,
    limits: { apps: 3, runners: 1, environments: 1, retentionDays: 7, memoryMbPerApp: 512 },
    features: ['deploy', 'logs'],
  },
  mid: {
    name: 'mid',
    environments: ['dev', 'prod'],
    customEnvironments: false,
    limits: { apps: 10, runners: 3, environments: 2, retentionDays: 30, memoryMbPerApp: 2048 },
    features: ['deploy', 'logs', 'promote', 'secrets'],
  },
  high: {
    name: 'high',
    environments: ['dev', 'staging', 'prod'],
    customEnvironments: true,
    limits: { apps: 100, runners: 20, environments: 10, retentionDays: 90, memoryMbPerApp: 8192 },
    features: ['deploy', 'logs', 'promote', 'secrets', 'custom-environments', 'debugger', 'lineage'],
  },
};

/** The tier a new tenant gets: the embedded default must keep dev, staging and prod and several apps. */
export const defaultTier: TierName = 'high';

/** The next tier up, to name in an error; none above the highest. */
export function upgradeFrom(tier: TierName): TierName | undefined {
  return tierNames[tierNames.indexOf(tier) + 1];
}

export function tierHasEnvironment(tier: Tier, environment: string): boolean {
  return tier.environments.includes(environment) || tier.customEnvironments;
}
