import {
  createTheme,
  darken,
  DEFAULT_THEME,
  luminance,
  Modal,
  NavLink,
  Notification,
  toRgba,
  type CSSVariablesResolver,
} from '@mantine/core';

/**
 * The app's Mantine theme, with text contrast of WCAG AA (4.5:1, checked by axe-core in the
 * browser tests) for every colour a component can be given, not only the primary one:
 *  - `primaryShade` 8 for filled buttons and active links (the 6th, Mantine's default, is 4.0:1
 *    against white); dimmed text one shade darker than Mantine's (gray 6 is 3.3:1);
 *  - the text of the `light`, `subtle`, `outline` and `transparent` variants (badges, alerts'
 *    titles, light buttons, `c="red"`) darkened until it reads on the variant's tinted background:
 *    Mantine's 8th shade is too pale for most hues (teal 3.4:1, orange 3.1:1, yellow 2.2:1);
 *  - the background of `filled` darkened until white text reads on it (teal, green, orange...);
 *  - field error messages in that readable red (Mantine's red 6 is 3.3:1).
 * Under a notification's title its message is dimmed (not gray 6), and an active link's
 * description is not faded. Icon-only close buttons (notifications, dialogs) get an accessible
 * name by default.
 */
const PRIMARY_SHADE = 8;
const MIN_CONTRAST = 4.6; // a little above 4.5, for rounding and anti-aliasing
const LIGHT_BACKGROUND_ALPHA = 0.12; // Mantine's `light-hover`, the darker of its two tints

function contrast(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (lighter + 0.05) / (darker + 0.05);
}

/** `color` at `alpha` over white, as an opaque `rgb()`. */
function overWhite(color: string, alpha: number): string {
  const { r, g, b } = toRgba(color);
  const mix = (channel: number) => Math.round(channel * alpha + 255 * (1 - alpha));
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

/** `color`, darkened by the least step of 5 % that makes it `readable` (black if none does). */
function darkenedUntilReadable(color: string, readable: (candidate: string) => boolean): string {
  for (let step = 0; step <= 20; step += 1) {
    const candidate = step === 0 ? color : darken(color, step / 20);
    if (readable(candidate)) return candidate;
  }
  return '#000';
}

function readableColourVariables(): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [name, shades] of Object.entries(DEFAULT_THEME.colors)) {
    const base = shades[PRIMARY_SHADE];
    const tint = overWhite(base, LIGHT_BACKGROUND_ALPHA);
    const text = darkenedUntilReadable(base, (candidate) => contrast(candidate, tint) >= MIN_CONTRAST);
    const filled = darkenedUntilReadable(base, (candidate) => contrast(candidate, '#fff') >= MIN_CONTRAST);
    variables[`--mantine-color-${name}-text`] = text;
    variables[`--mantine-color-${name}-light-color`] = text;
    variables[`--mantine-color-${name}-outline`] = text;
    variables[`--mantine-color-${name}-filled`] = filled;
    variables[`--mantine-color-${name}-filled-hover`] = darken(filled, 0.12);
  }
  return variables;
}

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: PRIMARY_SHADE,
  defaultRadius: 'md',
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  headings: { fontWeight: '650' },
  components: {
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close dialog' } } }),
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      // Under a title, Mantine greys the message (gray 6, 3.3:1): dimmed text reads.
      styles: (_theme, props) => (props.title ? { description: { color: 'var(--mantine-color-dimmed)' } } : {}),
    }),
    // An active link's description is faded (opacity 0.9) in the primary colour on its tint: 4.0:1; not faded it reads.
    NavLink: NavLink.extend({ styles: { description: { opacity: 1 } } }),
  },
});

const readable = readableColourVariables();

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    ...readable,
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': readable['--mantine-color-red-text'],
  },
  dark: {},
});
