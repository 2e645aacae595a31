// Builds the `contents` parts of one Gemini generateContent call: one text part with the prompt
// and instructions for every attached image, then the reference images and the logo as inlineData
// parts, in pack order (the text numbers them in the same order).
import type { GenerateRequest, ReferenceImage } from '../../ports/image-provider';

export interface GeminiTextPart { text: string }
export interface GeminiInlinePart { inlineData: { mimeType: string; data: string } }
export type GeminiPart = GeminiTextPart | GeminiInlinePart;

function describeReference(ref: ReferenceImage, aspectRatio: string): string {
  if (ref.source === 'edit') return '(the image to edit)';
  if (ref.source === 'master') {
    return `(the same asset in another size): keep its subject, composition elements, colour palette and lighting; recompose it for a ${aspectRatio} frame, extending the scene rather than cropping the subject`;
  }
  if (ref.source === 'row') return '(product): show this exact product or subject faithfully: its shape, colours, materials, labels and details unchanged';
  return ref.mode === 'style_and_composition'
    ? '(reference): follow its composition and layout, as well as its colour palette, lighting and style'
    : '(reference): use for colour palette, lighting and style only; do not copy its composition';
}

/** The instruction text for a request. */
export function geminiPromptText(req: GenerateRequest): string {
  // A revision is an edit (Gemini takes an image and text): change what the reviewer asked,
  // keep what was right.
  const instruction = req.instruction?.trim() ?? '';
  const lines: string[] = instruction && req.references[0]?.source === 'edit'
    ? [
        `Edit image 1 as follows: ${instruction}`,
        'Change only that; keep everything else in it as it is: the subject, composition, colours, lighting and style.',
        `The image was made from this description: ${req.prompt.trim()}`,
      ]
    : [req.prompt.trim()];
  const negative = req.negativePrompt.trim();
  if (negative) lines.push(`Avoid: ${negative}`);

  // With overlay (or none), Rowshot sets the text and places the logo itself: the model only
  // draws the scene, and never sees the words or the logo it might misspell or redraw.
  const modelDrawsText = (req.text ?? 'model') === 'model';
  const headline = modelDrawsText ? req.headline.trim() : '';
  const subline = modelDrawsText ? req.subline.trim() : '';
  const logo = modelDrawsText ? req.logo : null;
  if (!modelDrawsText) {
    lines.push('Do not add any text, letters, numbers, captions, signs, watermarks or logos to the image.');
    if (req.text === 'overlay' && (req.headline.trim() || req.subline.trim())) lines.push('Leave a calm, uncluttered area where a headline can be set later.');
  } else if (headline) lines.push(`Render this text exactly as the headline: "${headline}"`);
  if (subline) lines.push(`Render this text exactly as a smaller subline: "${subline}"`);
  if (modelDrawsText && !headline && !subline) lines.push('Do not add any text, captions or watermarks to the image.');

  const count = req.references.length + (logo ? 1 : 0);
  if (count > 0) {
    lines.push(`${count === 1 ? 'One image is' : `${count} images are`} attached after this text, in this order:`);
    let n = 1;
    for (const ref of req.references) lines.push(`Image ${n++} ${describeReference(ref, req.aspectRatio)}.`);
    if (logo) lines.push(`Image ${n} (logo): place this logo unobtrusively; reproduce it faithfully, do not alter it.`);
  }
  lines.push(`Aspect ratio: ${req.aspectRatio}.`);
  return lines.join('\n');
}

function inline(image: ReferenceImage): GeminiInlinePart {
  return { inlineData: { mimeType: image.mimeType, data: image.data.toString('base64') } };
}

/** The parts of the single user turn: text first, then references, then the logo. */
export function geminiParts(req: GenerateRequest): GeminiPart[] {
  const parts: GeminiPart[] = [{ text: geminiPromptText(req) }];
  for (const ref of req.references) parts.push(inline(ref));
  if (req.logo && (req.text ?? 'model') === 'model') parts.push(inline(req.logo));
  return parts;
}
