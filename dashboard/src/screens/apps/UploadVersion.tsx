import { FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Guarded } from '../../components/Guarded.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { appKeys } from './apps-queries.ts';
import { SampleAppOffer } from './SampleAppOffer.tsx';
import { uploadJar } from './upload-jar.ts';

/** "Upload JAR" with its progress bar; a refused JAR (not a Camel app, too large) is explained in place. */
export function UploadVersion({ tenant, app }: { tenant: string; app: string }) {
  const [progress, setProgress] = useState(0);
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: async (file: File | Promise<File>) => {
      setProgress(0);
      return uploadJar(tenant, app, await file, setProgress);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: appKeys.versions(tenant, app) }),
  });
  return (
    <Stack gap="xs">
      <Group>
        <FileButton onChange={(file) => file && upload.mutate(file)} accept=".jar,application/java-archive">
          {(props) => (
            <Guarded permission="versions:write" loading={upload.isPending} {...props}>
              Upload JAR
            </Guarded>
          )}
        </FileButton>
        {upload.isSuccess && (
          <Text size="sm" role="status">
            Uploaded {upload.data.label}
          </Text>
        )}
      </Group>
      <SampleAppOffer onFile={(file) => upload.mutate(file)} busy={upload.isPending} />
      {upload.isPending && <Progress value={progress * 100} aria-label="Upload progress" animated striped />}
      {upload.isError && <ProblemAlert error={upload.error} title="The JAR was not accepted" />}
    </Stack>
  );
}
