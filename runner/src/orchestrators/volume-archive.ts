/**
 * Backup and restore reach the volumes an orchestrator keeps outside the runner's state directory
 * (Docker named volumes) through this, never by asking which orchestrator it is.
 */
/** A volume as a backup holds it: where apps mount it and its labels, so a restore makes the same one. */
export type ArchivedVolume = { name: string; mountPath: string; labels: Record<string, string> };

export type VolumeArchive = {
  /** The orchestrator's kind, written into the backup so a restore finds the same archive. */
  kind: string;
  /** The tenant's volumes the runner made. */
  list(tenantSlug: string): Promise<ArchivedVolume[]>;
  /** Writes the volume's contents, as one tar of its mount path, to `file`. */
  exportTo(volume: ArchivedVolume, file: string): Promise<void>;
  /** Creates the volume when missing and extracts `file` over its contents. */
  importFrom(volume: ArchivedVolume, file: string): Promise<void>;
};

export type VolumeArchiveSource = {
  /** The archive of this orchestrator's volumes when its engine answers here, else undefined. */
  volumeArchive?(): Promise<VolumeArchive | undefined>;
};

/** The archives of every orchestrator in `entries` that keeps volumes outside the state dir and answers. */
export async function reachableVolumeArchives(
  entries: readonly VolumeArchiveSource[],
): Promise<VolumeArchive[]> {
  const archives = await Promise.all(entries.map((e) => e.volumeArchive?.()));
  return archives.filter((a): a is VolumeArchive => a !== undefined);
}
