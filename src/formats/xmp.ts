/**
 * The XMP packet of an output: the reference frame's packet (Lightroom and Photoshop put the photographer's
 * keywords, rights and edits there) with `xmp:CreatorTool` naming Planewise. That property (XMP
 * Specification Part 2, "xmp" namespace) is also how a later run recognises Planewise's own files.
 */

const XMP_NS = 'http://ns.adobe.com/xap/1.0/';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

export function minimalXmp(creatorTool: string): string {
  return (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n' +
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n' +
    `  <rdf:Description rdf:about="" xmlns:xmp="${XMP_NS}" xmp:CreatorTool="${escapeXml(creatorTool)}"/>\n` +
    ' </rdf:RDF>\n' +
    '</x:xmpmeta>\n' +
    '<?xpacket end="w"?>'
  );
}

/**
 * `packet` with xmp:CreatorTool set (replacing the attribute or element form, else added as its own
 * rdf:Description) and tiff:Orientation made 1, since the outputs are stored upright. A packet that is
 * not RDF is replaced by a minimal one.
 */
export function withCreatorTool(packet: string | undefined, creatorTool: string): string {
  if (!packet || !packet.includes('</rdf:RDF>')) return minimalXmp(creatorTool);
  const value = escapeXml(creatorTool);
  let out = packet.replace(/tiff:Orientation="\d+"/g, 'tiff:Orientation="1"').replace(/<tiff:Orientation>\s*\d+\s*<\/tiff:Orientation>/g, '<tiff:Orientation>1</tiff:Orientation>');
  if (/xmp:CreatorTool="[^"]*"/.test(out)) return out.replace(/xmp:CreatorTool="[^"]*"/g, `xmp:CreatorTool="${value}"`);
  if (/<xmp:CreatorTool>[\s\S]*?<\/xmp:CreatorTool>/.test(out)) return out.replace(/<xmp:CreatorTool>[\s\S]*?<\/xmp:CreatorTool>/g, `<xmp:CreatorTool>${value}</xmp:CreatorTool>`);
  out = out.replace('</rdf:RDF>', ` <rdf:Description rdf:about="" xmlns:xmp="${XMP_NS}" xmp:CreatorTool="${value}"/>\n </rdf:RDF>`);
  return out;
}

/** The packet's xmp:CreatorTool, or undefined. */
export function creatorTool(packet: string): string | undefined {
  const match = /xmp:CreatorTool="([^"]*)"/.exec(packet) ?? /<xmp:CreatorTool>\s*([\s\S]*?)\s*<\/xmp:CreatorTool>/.exec(packet);
  return match?.[1];
}
