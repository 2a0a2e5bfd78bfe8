// Writes docs/cache-key-vectors.json: test vectors for content-addressed cache keys
// (POST /v1/projects/{projectId}/cache-keys), computed apart from the service's Java code.
//
//   node docs/cache-key-vectors.mjs > docs/cache-key-vectors.json
//
// Each case is material as JSON text, kept verbatim in the file (so that 9007199254740993 stays as
// written); its canonical form here is JSON.parse, then members sorted with JavaScript's default sort
// (UTF-16 code units) and every string and number written by JSON.stringify, whose number form is
// ECMAScript's Number::toString. The key is <namespace>:<SHA-256 hex of the canonical UTF-8 bytes>.
import { createHash } from 'node:crypto';

function canonical(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('not a finite number');
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  return '{' + Object.keys(value).sort().map((name) => JSON.stringify(name) + ':' + canonical(value[name])).join(',') + '}';
}

// A long string of one-, two-, three- and four-byte characters, longer than the writer's 8 KiB buffer.
const longText = JSON.stringify('long text: ' + 'aé€😀\n'.repeat(3000));

// [namespace (it names the case), material as JSON text]
const cases = [
  ['empty.object', '{}'],
  ['empty.array', '[]'],
  ['empty.string', '""'],
  ['literals', '[true, false, null]'],
  ['top.null', 'null'],
  ['order.ascii', '{"b": 1, "a": 2, "c": {"z": true, "y": false, "B": null}}'],
  ['order.whitespace-and-reorder', ' {\n  "a" : "x" ,\t"b":[ 1 , 2 ] }\r\n'],
  ['order.prefixes', '{"ab": 3, "a\\u0000": 2, "a": 1, "": 0}'],
  ['order.utf16-units-not-code-points',
    '{"\\ufb00": 10, "\\ud83d\\ude00": 9, "\\ud834\\udd1e": 8, "\\u65e5": 7, "\\u00e9": 6, "\\u0080": 5, "z": 4, "a": 3, "A": 2, "": 1}'],
  ['nested', '{"items": [{"id": 2, "tags": ["x", "y"], "dims": {"w": 1.5, "h": 2}}, {"id": 1, "tags": [], "dims": {}}], "meta": [[[]], [{}]]}'],
  ['escapes', '"quote \\" backslash \\\\ slash \\/ bs \\b ff \\f nl \\n cr \\r tab \\t nul \\u0000 us \\u001F del \\u007f A \\u0041"'],
  ['unicode.raw-and-escaped', '["é", "\\u00e9", "€", "\\u20ac", "😀", "\\ud83d\\ude00", "\\u2028\\u2029", "日本語"]'],
  ['unicode.names', '{"ключ": "значение", "κλειδί": "τιμή", "鍵": "値"}'],
  ['text.long', longText],
  ['number.zero', '0'],
  ['number.negative-zero', '-0.0'],
  ['number.integers', '[1, -1, 100, 1.00e2, 123456789, 9007199254740991]'],
  ['number.min-subnormal', '5e-324'],
  ['number.max', '1.7976931348623157e308'],
  ['number.2e23', '2e23'],
  ['number.1e23', '1e23'],
  ['number.1e21', '1e21'],
  ['number.below-1e21', '[1e20, 123456789012345680000, 999999999999999900000]'],
  ['number.1e-7', '1e-7'],
  ['number.1e-6', '0.000001'],
  ['number.small-exponents', '[1.5e-7, -1.5e-7, 9.99e-7, 1e-323, 2.2250738585072014e-308]'],
  ['number.thirds', '333333333.3333333'],
  ['number.beyond-2-pow-53', '9007199254740993'],
  ['number.4.35', '4.35'],
  ['number.sum-of-tenths', '[0.30000000000000004, 0.1, 1e-1, 0.2]'],
  ['number.negative', '[-4.35, -1e21, -5e-324, -1.7976931348623157e308, -0.000001]'],
  ['number.java-17-misses', '[8.41e21, 2.82879384806159e17, 1.0E-5, 5.0E-324]'],
  ['app.v2:quotes', '{"sku": "A-1", "qty": 2, "options": [true, null, 1.50]}'],
];

const out = cases.map(([namespace, material]) => {
  const text = canonical(JSON.parse(material));
  const key = namespace + ':' + createHash('sha256').update(text, 'utf8').digest('hex');
  return `  {"namespace": ${JSON.stringify(namespace)},\n   "material": ${material.trim()},\n`
    + `   "canonical": ${JSON.stringify(text)},\n   "key": ${JSON.stringify(key)}}`;
});
process.stdout.write('[\n' + out.join(',\n') + '\n]\n');
