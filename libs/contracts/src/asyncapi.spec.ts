import { Parser } from '@asyncapi/parser';
import { asyncApiDocument } from './asyncapi';
import { TOPICS } from './topics';

describe('the AsyncAPI document of SPEC §4', () => {
  it('is a valid AsyncAPI 3 document, per @asyncapi/parser', async () => {
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(asyncApiDocument()));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    // The parser's own model of it, not just the absence of errors: one channel per topic.
    expect(document!.channels().length).toBe(Object.values(TOPICS).length);
  });

  it('has every topic and every event type, with the schema consumers parse with', () => {
    const doc = asyncApiDocument();
    const addresses = Object.values(doc.channels).map((c) => (c as { address: string }).address);
    expect(addresses.sort()).toEqual(Object.values(TOPICS).sort());
    const names = Object.values(doc.components.messages).map((m) => (m as { name: string }).name);
    expect(names).toEqual(
      expect.arrayContaining(['sso.login', 'sso.assignments', 'connector.snapshot', 'connection.deleted']),
    );
    const snapshot = doc.components.messages.connectorSnapshot as {
      payload: { properties: { data: { required: string[] } } };
    };
    expect(snapshot.payload.properties.data.required).toEqual(
      expect.arrayContaining(['connectionId', 'syncId', 'asOf', 'page', 'pageCount', 'users']),
    );
  });
});
