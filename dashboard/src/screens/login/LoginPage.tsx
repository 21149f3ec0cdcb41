import { Alert, Anchor, Button, Code, Container, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useSearchParams } from 'react-router';
import { PageLoader } from '../../components/PageLoader.tsx';
import { useMe } from '../../session/use-me.ts';
import { forgetReturnTo, returnToKey } from './return-to.ts';
import { fetchSignInOptions } from './sign-in-options.ts';

/** Where ForwardAuth and the console send people who are not signed in; `rd` is where they were going. */
export function LoginPage() {
  const [params] = useSearchParams();
  const rd = safeReturn(params.get('rd'));
  const me = useMe();
  // The one-time link lands on `/`, which goes on to where the person was going (RootRedirect).
  if (params.get('rd')) sessionStorage.setItem(returnToKey, rd);
  const options = useQuery({
    queryKey: ['sign-in-options'],
    queryFn: fetchSignInOptions,
    staleTime: Infinity,
  });
  if (me.data && !params.get('error')) {
    if (rd.startsWith('/')) return <Navigate to={rd} replace />;
    location.assign(rd);
    return <PageLoader />;
  }
  if (me.isPending || options.isPending) return <PageLoader />;
  const oidc = options.data?.oidc;
  const provider = oidc ? (oidc.name ?? new URL(oidc.issuer).host) : '';
  return (
    <Container size={520} py={64}>
      <Paper withBorder p="xl" radius="md">
        <Stack>
          <Title order={1} size="h2">
            Sign in to Cameleer
          </Title>
          {params.get('error') && (
            <Alert color="red" role="alert" title="Sign-in did not complete">
              {params.get('error')}
            </Alert>
          )}
          {params.get('signedOut') && (
            <Alert role="status">
              You are signed out of Cameleer.
              {oidc?.endSessionUrl && (
                <>
                  {' '}
                  <Anchor inherit href={oidc.endSessionUrl}>
                    Also sign out of {provider}
                  </Anchor>
                  , so that the next sign-in asks for your password again.
                </>
              )}
            </Alert>
          )}
          {oidc && (
            <Button
              component="a"
              href={`/auth/oidc/login?rd=${encodeURIComponent(rd)}`}
              size="md"
              // The edge sends the person back to `rd` itself; nothing is left for `/` to resume.
              onClick={forgetReturnTo}
            >
              Sign in with {provider}
            </Button>
          )}
          {(options.data?.localLink ?? true) && (
            <>
              <Text>
                {oidc ? 'Or, as the administrator of this installation, ' : ''}open the one-time sign-in link
                that <Code>npm start</Code> printed in its terminal:
              </Text>
              <Code block tabIndex={0}>
                {
                  '  Sign in as administrator with this one-time link (valid 1 hour):\n  http://…/auth/login?ticket=…'
                }
              </Code>
              <List size="sm" spacing={4}>
                <List.Item>Each link works once and for an hour; every start prints a new one.</List.Item>
                <List.Item>The session lasts 12 hours by default (CAMELEER_SESSION_TTL_SECONDS).</List.Item>
                <List.Item>
                  For CLIs and CI, create an API token under <em>API tokens</em> once signed in.
                </List.Item>
              </List>
            </>
          )}
          <Text size="sm">
            Signing in with an identity provider is explained in <Code>docs/identity.md</Code>.
          </Text>
        </Stack>
      </Paper>
    </Container>
  );
}

/** Only paths on this site, or the absolute addresses ForwardAuth sends (the edge checks those again). */
function safeReturn(rd: string | null): string {
  if (!rd) return '/';
  if (rd.startsWith('/') && !rd.startsWith('//') && !rd.startsWith('/login')) return rd;
  return /^https?:\/\//.test(rd) ? `/auth/return?rd=${encodeURIComponent(rd)}` : '/';
}
