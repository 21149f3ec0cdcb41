import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/** Cameleer's look: Mantine's defaults with our accent; contrast stays at WCAG AA in light and dark. */
export const theme = createTheme({
  primaryColor: 'orange',
  primaryShade: { light: 8, dark: 6 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});

/** Mantine's light dimmed text (gray.6), orange.8 buttons (3.6:1), links and light-variant text miss 4.5:1; these meet it. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-primary-color-light-color': '#a33a05',
    '--mantine-primary-color-filled': '#c2410c',
    '--mantine-primary-color-filled-hover': '#a33a05',
    '--mantine-color-anchor': '#a33a05',
    // Field errors (red.6 is 3.3:1 on white).
    '--mantine-color-error': '#c92a2a',
    // Light-variant buttons and badges (text on a 10 % tint of the same colour).
    '--mantine-color-orange-light-color': '#a33a05',
    '--mantine-color-red-light-color': '#a61e1e',
    '--mantine-color-yellow-light-color': '#7a4f00',
    '--mantine-color-green-light-color': '#1e6b2f',
    '--mantine-color-blue-light-color': '#1c5fa8',
    '--mantine-color-gray-light-color': '#495057',
  },
  // Dark: white on orange.6 is 2.6:1 and dimmed (dark.2) text misses 4.5:1 on the dark body
  // and on the hover tint of log panels.
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-primary-color-filled': '#c2410c',
    '--mantine-primary-color-filled-hover': '#a33a05',
  },
});
