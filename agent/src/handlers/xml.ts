/**
 * Tiny readers and writers for the few fields the handlers need from libvirt XML that the binding
 * does not return as data (pool type, volume format, snapshot details). libvirt generates these
 * documents, so their shape is fixed; regular expressions keep the agent free of an XML parser.
 */

/** Escapes text for an XML element or attribute value. */
export function xmlEscape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** Reverses the five predefined entities and numeric references. */
export function xmlUnescape(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** The text of the first `<tag>…</tag>` inside `xml`, unescaped. */
export function elementText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  return m ? xmlUnescape(m[1] ?? '') : undefined;
}

/** The inner XML of the first `<tag>…</tag>` block. */
export function elementBlock(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
}

/** Every `<tag …>…</tag>` or `<tag …/>` in `xml`: its opening tag and its body ('' when self-closing). */
export function elements(xml: string, tag: string): Array<{ open: string; body: string }> {
  const re = new RegExp(`<${tag}(?:\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
  // No attribute value holds a raw '>' (libvirt escapes it), so the first one ends the opening tag.
  return [...xml.matchAll(re)].map((m) => ({ open: m[0].slice(0, m[0].indexOf('>') + 1), body: m[1] ?? '' }));
}

/** The value of `attr` in one opening tag, unescaped. */
export function tagAttribute(open: string, attr: string): string | undefined {
  const m = new RegExp(`\\s${attr}=(['"])(.*?)\\1`).exec(open);
  return m ? xmlUnescape(m[2] ?? '') : undefined;
}

/** The value of `attr` on the first `<tag …>`. */
export function attribute(xml: string, tag: string, attr: string): string | undefined {
  const open = new RegExp(`<${tag}\\s[^>]*>`).exec(xml)?.[0];
  return open === undefined ? undefined : tagAttribute(open, attr);
}

/** `type` of a pool document's root element (dir, fs, logical, rbd…). */
export function poolType(xml: string): string {
  return attribute(xml, 'pool', 'type') ?? 'unknown';
}

/** A volume's format, from `<target><format type=…/>` (not the backing store's). */
export function volumeFormat(xml: string): string {
  const target = elementBlock(xml, 'target') ?? '';
  return attribute(target, 'format', 'type') ?? 'raw';
}

/** The fields of a `<domainsnapshot>` document the catalog reports. */
export interface SnapshotXmlFields {
  name: string;
  description: string | undefined;
  creationTimeSec: number;
  state: string;
  parent: string | undefined;
  memory: string | undefined;
}

/** Reads a snapshot document (virDomainSnapshotGetXMLDesc). */
export function parseSnapshotXml(xml: string): SnapshotXmlFields {
  // The embedded <domain> also has <name> and <description>: read only what precedes it.
  const head = xml.split(/<domain[\s>]/)[0] ?? xml;
  const parent = elementBlock(head, 'parent');
  return {
    name: elementText(head, 'name') ?? '',
    description: elementText(head, 'description'),
    creationTimeSec: Number(elementText(head, 'creationTime') ?? 0),
    state: elementText(head, 'state') ?? 'nostate',
    parent: parent === undefined ? undefined : elementText(parent, 'name'),
    memory: attribute(head, 'memory', 'snapshot'),
  };
}
