import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import eventSchema from '../../docs/schema/event.schema.json' with { type: 'json' };
import type { BuilderEvent } from '../utils/evtx-builder.js';
import { buildEvtx, buildEvtxDetailed } from '../utils/evtx-builder.js';
import { normalise, runCli } from '../utils/run-cli.js';

function events(n: number, start = 1): BuilderEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    channel: 'Microsoft-Windows-Sysmon/Operational',
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    timestamp: `2026-03-03T01:00:${String(i % 60).padStart(2, '0')}.1234567Z`,
    computer: 'WEB01',
    recordId: start + i,
    data: {
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: `cmd /c echo ${i} <&>`,
      ProcessId: 100 + i,
    },
  }));
}

const dir = mkdtempSync(join(tmpdir(), 'fathom-e2e-dump-'));
const clean = join(dir, 'clean.evtx');
writeFileSync(clean, buildEvtx(events(5)));

describe('fathom dump', () => {
  it('prints one JSON event per record, valid against the event schema', async () => {
    const r = await runCli(['dump', clean, '-t', '0']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(5);
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(eventSchema);
    for (const line of lines) {
      const ev = JSON.parse(line) as Record<string, unknown>;
      expect(validate(ev), JSON.stringify(validate.errors)).toBe(true);
    }
    const first = JSON.parse(lines[0] as string) as {
      timestamp: string;
      eventId: number;
      recordId: number;
      fields: Record<string, unknown>;
      source: { file: string };
    };
    expect(first.timestamp).toBe('2026-03-03T01:00:00.1234567Z');
    expect(first.eventId).toBe(1);
    expect(first.recordId).toBe(1);
    expect(first.fields.CommandLine).toBe('cmd /c echo 0 <&>');
    expect(normalise(r.stderr)).toContain('dump: 1 files, 5 events, 0 unreadable records');
  });

  it('renders Windows-style XML with evidence escaped', async () => {
    const r = await runCli(['dump', clean, '-f', 'xml', '-t', '0']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.match(/<Event xmlns=/g)).toHaveLength(5);
    expect(r.stdout).toContain('<Data Name="CommandLine">cmd /c echo 0 &lt;&amp;&gt;</Data>');
  });

  it('reports a chunk with bad magic with file and byte offset, and keeps the other chunks', async () => {
    const built = buildEvtxDetailed(events(30), {
      chunkCapacity: 10,
      dirty: [{ kind: 'chunk-magic', chunk: 1 }],
    });
    const file = join(dir, 'bad-chunk-magic.evtx');
    writeFileSync(file, built.bytes);
    const r = await runCli(['dump', file, '-t', '0']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.trim().split('\n')).toHaveLength(20);
    expect(r.stderr).toMatch(/bad-chunk-magic\.evtx @ byte 69632 \(0x11000\)/);
  });

  it('reports files it cannot recognise and still dumps the rest', async () => {
    const junk = join(dir, 'notes.txt');
    writeFileSync(junk, 'this is not an event log\n');
    const r = await runCli(['dump', clean, junk, '-t', '0']);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.trim().split('\n')).toHaveLength(5);
    expect(r.stderr).toContain('notes.txt');
  });

  it('gives the same output with worker threads as on one thread', async () => {
    const many = join(dir, 'many.evtx');
    writeFileSync(many, buildEvtx(events(40), { chunkCapacity: 3 }));
    const one = await runCli(['dump', many, '-t', '0']);
    const two = await runCli(['dump', many, '-t', '2']);
    expect(two.exitCode).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(one.stdout.trim().split('\n')).toHaveLength(40);
    // XML too: both render each record's own XML (an empty <Correlation/> included).
    const oneXml = await runCli(['dump', many, '-t', '0', '--format', 'xml']);
    const twoXml = await runCli(['dump', many, '-t', '2', '--format', 'xml']);
    expect(twoXml.stdout).toBe(oneXml.stdout);
    expect(oneXml.stdout).toContain('<Correlation/>');
  });

  it('writes the same UTF-8 to a file from worker threads as from one thread', async () => {
    // Workers hand on encoded bytes, which the CLI writes as they are (multi-byte characters
    // included); buffer reuse itself is tested in test/engine/dump-ranges.test.ts.
    const wide = join(dir, 'wide.evtx');
    const evs = events(400).map((e, i) => ({
      ...e,
      data: { ...e.data, CommandLine: `cmd /c echo ${'données-数据-😀 '.repeat(40)}${i}` },
    }));
    writeFileSync(wide, buildEvtx(evs, { chunkCapacity: 20 }));
    const one = await runCli(['dump', wide, '-t', '0']);
    const out = join(dir, 'wide.jsonl');
    const two = await runCli(['dump', wide, '-t', '2', '-o', out]);
    expect(two.exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(one.stdout);
    expect(one.stdout).toContain('数据-😀');
  });

  it('explains usage errors with exit code 2', async () => {
    const r = await runCli(['dump', clean, '--threads', 'many']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--threads must be auto or an integer');
  });
});
