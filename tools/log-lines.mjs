// How `npm start` shows the services' log lines (issue 21): on a terminal, each JSON line made
// readable and coloured by pino-pretty behind a coloured prefix per service; elsewhere, or with
// LOG_FORMAT=json, the JSON as the service wrote it, behind the same plain prefix.

const COLOURS = [36, 35, 33, 32, 34, 91, 96]; // cyan, magenta, yellow, green, blue, red, bright cyan

/** pino-pretty's message: the message, then, for pino-http's access lines, the call and its answer. */
export const ACCESS_LINE = '{msg}{if req.method} {req.method} {req.url} → {res.statusCode} ({responseTime} ms){end}';

/** Whether lines are shown pretty: a terminal, and not LOG_FORMAT=json. */
export const prettyWanted = (stream = process.stdout, env = process.env) =>
  Boolean(stream.isTTY) && env.LOG_FORMAT !== 'json';

/**
 * A function from one line a service wrote to the line shown. `prettyFactory` is pino-pretty's
 * (passed in: this file is loaded before or without node_modules); without it, lines stay JSON.
 */
export function lineFormatter(name, index, { width = name.length, prettyFactory } = {}) {
  const label = `[${name}]`.padEnd(width + 2);
  if (!prettyFactory) return (line) => `${label} ${line}`;
  const prefix = `\u001b[${COLOURS[index % COLOURS.length]}m${label}\u001b[0m`;
  const pretty = prettyFactory({
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // The prefix names the service; pid and host are the same on every line. An access line says
    // what was asked and answered in a few words, not the whole request and response objects.
    ignore: 'pid,hostname,name,req,res,responseTime',
    messageFormat: ACCESS_LINE,
  });
  return (line) => {
    if (!line.startsWith('{')) return `${prefix} ${line}`;
    try {
      return `${prefix} ${pretty(line).trimEnd()}`;
    } catch {
      return `${prefix} ${line}`;
    }
  };
}
