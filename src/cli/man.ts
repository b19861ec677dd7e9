import type { CommandModel } from './help-model.js';

/**
 * tf(1) in roff (man(7) macros), rendered from helpModel: the same descriptions, flags and
 * examples as --help, so the page cannot drift from the program.
 */
export function manPage(models: CommandModel[], version: string): string {
  const [root, ...commands] = models;
  const out = [
    `.TH TF 1 "" "tf ${esc(version)}" "User Commands"`,
    '.SH NAME',
    `tf \\- ${esc(root!.description)}`,
    '.SH SYNOPSIS',
    '.B tf',
    '.I command',
    '[\\fIoptions\\fR] [\\fIarguments\\fR]',
    '.SH DESCRIPTION',
    esc(root!.description),
    'Run \\fBtf help\\fR \\fIcommand\\fR for the help of one command.',
    '.SH COMMANDS',
    ...commands.flatMap(section),
    '.SH "SEE ALSO"',
    'The README of tf, which documents exit statuses, tf.yml and releases.',
  ];
  return `${out.join('\n')}\n`;
}

function section(model: CommandModel): string[] {
  const lines = ['.SS', `.B ${esc(model.usage)}`, '.PP', esc(model.description)];
  for (const arg of model.args) lines.push('.TP', `.I ${esc(arg.name)}`, esc(arg.description));
  for (const option of model.options) lines.push('.TP', `.B ${esc(option.flags)}`, esc(option.description));
  if (model.examples.length > 0) lines.push('.PP', 'Examples:', '.PP', '.nf', '.RS', ...model.examples.map(esc), '.RE', '.fi');
  return lines;
}

/** Text safe in roff: backslashes doubled, hyphens as \-, no line starting with a control character. */
function esc(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}
