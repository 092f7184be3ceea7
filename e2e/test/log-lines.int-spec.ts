// How npm start shows the services' lines (tools/log-lines.mjs, issue 21): readable and coloured
// on a terminal, one prefix per service; the JSON as written otherwise or with LOG_FORMAT=json.
// Run as tools/run.mjs runs it: plain Node, ESM, pino-pretty from node_modules.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

/** What the formatter makes of `lines`, with pino-pretty (pretty) or without; and whether npm start would choose pretty. */
function shown(lines: string[], pretty: boolean, env: Record<string, string> = {}, tty = true) {
  const script = `
    import { lineFormatter, prettyWanted } from './tools/log-lines.mjs';
    const { prettyFactory } = await import('pino-pretty');
    const format = lineFormatter('gateway', 0, { width: 21, prettyFactory: ${pretty} ? prettyFactory : undefined });
    const lines = JSON.parse(process.argv[1]);
    console.log(JSON.stringify({ out: lines.map(format), pretty: prettyWanted({ isTTY: ${tty} }, process.env) }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(lines)], {
      cwd: root,
      env: { ...process.env, ...env },
    }).toString(),
  ) as { out: string[]; pretty: boolean };
}

describe('npm start log lines', () => {
  const line = JSON.stringify({
    level: 50,
    time: Date.UTC(2026, 10, 30, 12, 0, 0),
    pid: 1,
    hostname: 'h',
    name: 'gateway',
    msg: 'the resolver did not answer',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  });

  it('makes JSON lines readable and coloured behind a coloured prefix on a terminal', () => {
    const { out, pretty } = shown([line, 'not json'], true);
    expect(pretty).toBe(true);
    const ESC = '\u001b';
    expect(out[0].startsWith(`${ESC}[36m[gateway]${' '.repeat(14)}${ESC}[0m `)).toBe(true);
    expect(out[0]).toContain('the resolver did not answer');
    expect(out[0]).toContain('ERROR');
    expect(out[0]).toContain('\u001b['); // pino-pretty's colours
    expect(out[0]).toContain('4bf92f3577b34da6a3ce929d0e0e4736'); // the trace stays on the line
    expect(out[0]).not.toContain('"msg"');
    expect(out[1].endsWith(`[gateway]${' '.repeat(14)}${ESC}[0m not json`)).toBe(true);
  });

  it('says what an access line asked and answered in a few words', () => {
    const access = JSON.stringify({
      level: 30,
      time: 0,
      msg: 'request completed',
      req: { id: 1, method: 'GET', url: '/v1/tenant', headers: { host: 'x' } },
      res: { statusCode: 200, headers: {} },
      responseTime: 3,
    });
    const [out] = shown([access], true).out;
    expect(out).toContain('request completed GET /v1/tenant → 200 (3 ms)');
    expect(out).not.toContain('headers');
  });

  it('keeps the JSON as written when not on a terminal, or with LOG_FORMAT=json', () => {
    expect(shown([line], false, {}, false)).toEqual({ out: [`[gateway]${' '.repeat(14)} ${line}`], pretty: false });
    expect(shown([line], false, { LOG_FORMAT: 'json' }, true).pretty).toBe(false);
  });
});
