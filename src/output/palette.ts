import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];
// Node 22+ would second-guess tf's color decision against process.stdout; tf decides once
// (output/color.ts) and only calls this when coloring. Node 20 ignores the extra argument.
const styleWithoutCheck = styleText as (style: Style, text: string, options: { validateStream: boolean }) => string;

const TYPE_COLORS: Style[] = ['cyan', 'yellow', 'green', 'magenta', 'blue', 'red', 'cyanBright', 'yellowBright', 'greenBright', 'magentaBright', 'blueBright', 'redBright'];
const SYSTEM_STYLE: Style = 'gray';

/** One color per process type (instances share it); tf's own lines in gray. */
export function styleFor(typeIndex: number | undefined): Style {
  return typeIndex === undefined ? SYSTEM_STYLE : TYPE_COLORS[typeIndex % TYPE_COLORS.length]!;
}

export function paint(style: Style, text: string): string {
  return styleWithoutCheck(style, text, { validateStream: false });
}
