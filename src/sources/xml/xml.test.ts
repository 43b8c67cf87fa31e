import { describe, expect, it } from 'vitest';
import { CHUNK_SIZES, collect, memInput } from '../../../test/sources/inputs.js';
import { readXmlEvents, xmlEventsSource } from './index.js';

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

function event(id: number, record: number, data: string, extra = ''): string {
  return (
    `<Event xmlns='${NS}'><System><Provider Name='Microsoft-Windows-Security-Auditing' ` +
    `Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/><EventID>${id}</EventID><Version>2</Version>` +
    `<Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords>` +
    `<TimeCreated SystemTime='2019-03-19T23:34:25.1234567Z'/><EventRecordID>${record}</EventRecordID>` +
    `<Correlation/><Execution ProcessID='4' ThreadID='72'/><Channel>Security</Channel>` +
    `<Computer>WS01.corp.example</Computer><Security/></System><EventData>${data}</EventData>${extra}</Event>`
  );
}

/** wevtutil qe Security /f:xml: events back to back, no root, no declaration; one malformed. */
const WEVTUTIL = [
  event(
    4688,
    101,
    "<Data Name='CommandLine'>cmd.exe /c whoami &amp; echo &lt;x&gt;</Data><Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data>",
  ),
  event(4624, 102, "<Data Name='TargetUserName'>bob</Data><Data Name='LogonType'>3</Data>"),
  // Malformed: mismatched closing tag inside EventData.
  event(4625, 103, "<Data Name='TargetUserName'>eve</Date>"),
  event(4689, 104, "<Data Name='ProcessName'>C:\\Windows\\System32\\cmd.exe</Data>"),
].join('\r\n');

describe('readXmlEvents', () => {
  describe.each(CHUNK_SIZES)('fed %i bytes at a time', (chunk) => {
    it('reads a wevtutil export with 3 good events and reports the malformed one', async () => {
      const { events, issues } = await collect(readXmlEvents(memInput(WEVTUTIL, chunk, 'q.xml')));
      expect(events.map((e) => [e.eventId, e.recordId, e.source.line])).toEqual([
        [4688, 101, 1],
        [4624, 102, 2],
        [4689, 104, 4],
      ]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'xml-syntax', location: { file: 'q.xml', line: 3 } });
      expect(issues[0]?.location?.offset).toBe(WEVTUTIL.indexOf('<Event xmlns', WEVTUTIL.indexOf('>102<')));
      const first = events[0];
      expect(first).toMatchObject({
        kind: 'evtx-xml',
        timestamp: '2019-03-19T23:34:25.1234567Z',
        channel: 'Security',
        provider: 'Microsoft-Windows-Security-Auditing',
        providerGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}',
        computer: 'WS01.corp.example',
        level: 0,
        task: 13312,
        opcode: 0,
        version: 2,
        keywords: '0x8020000000000000',
        processId: 4,
        threadId: 72,
        source: { file: 'q.xml', offset: 0, line: 1 },
      });
      expect(first?.fields).toEqual({
        CommandLine: 'cmd.exe /c whoami & echo <x>',
        NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
      });
    });

    it('reads an <Events> wrapper with a declaration, and reports a cut-short event', async () => {
      const cut = event(1, 2, "<Data Name='A'>x</Data>").slice(0, 120);
      const text = `<?xml version="1.0" encoding="utf-8"?>\n<Events>\n${event(1, 1, '')}\n${cut}\n${event(1, 3, '')}\n</Events>\n`;
      const { events, issues } = await collect(readXmlEvents(memInput(text, chunk)));
      expect(events.map((e) => e.recordId)).toEqual([1, 3]);
      expect(issues.map((i) => [i.code, i.location?.line])).toEqual([['xml-event-unterminated', 4]]);
    });
  });

  it('keeps unnamed Data in order, repeated names as arrays, UserData leaves, EventID qualifiers', async () => {
    const text =
      `<Event xmlns='${NS}'><System><Provider Name='Service Control Manager' EventSourceName='Service Control Manager'/>` +
      `<EventID Qualifiers='16384'>7036</EventID><Channel>System</Channel><Computer>a</Computer>` +
      `<Security UserID='S-1-5-18'/></System><EventData><Data>Windows Update</Data><Data>running</Data>` +
      `<Data Name='X'>1</Data><Data Name='X'>2</Data><Binary>7700</Binary></EventData></Event>` +
      `<Event xmlns='${NS}'><System><EventID>1102</EventID></System><UserData>` +
      `<LogFileCleared xmlns='http://manifests.microsoft.com/win/2004/08/windows/eventlog'>` +
      `<SubjectUserSid>S-1-5-21-1</SubjectUserSid><SubjectUserName>admin</SubjectUserName></LogFileCleared></UserData></Event>`;
    const { events, issues } = await collect(readXmlEvents(memInput(text, 5)));
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject({ eventId: 7036, qualifiers: 16384, userSid: 'S-1-5-18' });
    expect(events[0]?.data).toEqual(['Windows Update', 'running']);
    expect(events[0]?.fields).toEqual({ X: ['1', '2'], Binary: '7700' });
    expect(events[1]?.fields).toEqual({ SubjectUserSid: 'S-1-5-21-1', SubjectUserName: 'admin' });
  });

  it('attaches the element as exported when asked for native XML', async () => {
    const one = event(4624, 102, "<Data Name='TargetUserName'>bob</Data>");
    const { events } = await collect(readXmlEvents(memInput(`<Events>\n${one}\n</Events>`), { xml: true }));
    expect((events[0] as { xml?: string }).xml).toBe(one);
    const plain = await collect(readXmlEvents(memInput(one)));
    expect((plain.events[0] as { xml?: string }).xml).toBeUndefined();
  });

  it('reads UTF-16LE with a BOM (PowerShell redirection)', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`${event(4688, 7, '')}\r\n${event(4688, 8, '')}`, 'utf16le'),
    ]);
    expect(xmlEventsSource.sniff({ head: bytes.subarray(0, 400), path: 'x' })).toBeGreaterThan(0.9);
    const { events, issues } = await collect(readXmlEvents(memInput(bytes, 3)));
    expect(issues).toEqual([]);
    expect(events.map((e) => [e.recordId, e.source.line])).toEqual([
      [7, 1],
      [8, 2],
    ]);
  });

  it('does not expand entities or accept a DTD smuggled into an event', async () => {
    const text = `<Event><System><EventID>1</EventID></System><EventData><Data Name='a'>&xxe;</Data></EventData></Event>`;
    const { events, issues } = await collect(readXmlEvents(memInput(text)));
    expect(events).toEqual([]);
    expect(issues[0]?.code).toBe('xml-syntax');
  });

  it('refuses nesting deeper than the cap, and oversized or truncated events, without stopping', async () => {
    const deep = `<Event><System><EventID>1</EventID></System><UserData>${'<a>'.repeat(100)}x${'</a>'.repeat(100)}</UserData></Event>`;
    const text = `${deep}\n${event(1, 5, '')}\n${event(1, 6, '')}`.slice(0, -10);
    const { events, issues } = await collect(readXmlEvents(memInput(text, 11)));
    expect(events.map((e) => e.recordId)).toEqual([5]);
    expect(issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['xml-too-deep', 1],
      ['xml-truncated', 3],
    ]);
  });

  it('sniffs XML exports and nothing else', () => {
    const head = (s: string) => ({ head: Buffer.from(s), path: 'x.txt' });
    expect(xmlEventsSource.sniff(head(WEVTUTIL))).toBeGreaterThan(0.9);
    expect(
      xmlEventsSource.sniff(
        head(`\uFEFF<?xml version="1.0"?>\r\n<!-- export -->\n<Events>${event(1, 1, '')}`),
      ),
    ).toBeGreaterThan(0.9);
    expect(xmlEventsSource.sniff(head('<html><body>Event</body></html>'))).toBe(0);
    expect(xmlEventsSource.sniff(head('{"Event": {}}'))).toBe(0);
    expect(xmlEventsSource.sniff(head('<EventData/>'))).toBe(0);
    // A tool banner before the events (evtxexport) lowers the confidence but is accepted.
    expect(xmlEventsSource.sniff(head(`evtxexport 20181227\n\n${event(1, 1, '')}`))).toBeCloseTo(0.8);
    expect(xmlEventsSource.sniff(head('some notes\nmore notes\n<Event><System/></Event>'))).toBe(0);
  });
});
