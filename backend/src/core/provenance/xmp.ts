// Rowshot's XMP packet: the record id, the output hash and the record link, plus the IPTC
// digital source type (what the EU AI Act's transparency duty asks an AI image to say). Written
// and read here without an XML library: the packet is Rowshot's own, with attribute values only.
export const ROWSHOT_NS = 'https://rowshot.dev/ns/provenance/1.0/';

export interface EmbeddedProvenance {
  recordId: string;
  tenant: string;
  outputSha256: string;
  recordUrl: string;
  /** IPTC digital source type URI. */
  digitalSourceType: string;
}

export const SOURCE_TYPES = {
  ai: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
  composite: 'http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia',
  algorithmic: 'http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia',
} as const;

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeAttr = (s: string): string =>
  s.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');

export function xmpPacket(p: EmbeddedProvenance): string {
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    `<rdf:Description rdf:about="" xmlns:rowshot="${ROWSHOT_NS}" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"`,
    ` rowshot:RecordId="${escapeAttr(p.recordId)}"`,
    ` rowshot:Tenant="${escapeAttr(p.tenant)}"`,
    ` rowshot:OutputSHA256="${escapeAttr(p.outputSha256)}"`,
    ` rowshot:RecordURL="${escapeAttr(p.recordUrl)}"`,
    ` Iptc4xmpExt:DigitalSourceType="${escapeAttr(p.digitalSourceType)}"/>`,
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="r"?>',
  ].join('\n');
}

/** Reads Rowshot's fields from an XMP packet; null when the packet is not Rowshot's. */
export function readXmpPacket(xml: string): EmbeddedProvenance | null {
  if (!xml.includes(ROWSHOT_NS)) return null;
  const attr = (name: string): string | null => {
    const m = new RegExp(`${name}="([^"]*)"`).exec(xml);
    return m ? unescapeAttr(m[1] as string) : null;
  };
  const recordId = attr('rowshot:RecordId');
  const tenant = attr('rowshot:Tenant');
  const outputSha256 = attr('rowshot:OutputSHA256');
  const recordUrl = attr('rowshot:RecordURL');
  if (!recordId || !tenant || !outputSha256 || !recordUrl) return null;
  return { recordId, tenant, outputSha256, recordUrl, digitalSourceType: attr('Iptc4xmpExt:DigitalSourceType') ?? '' };
}
