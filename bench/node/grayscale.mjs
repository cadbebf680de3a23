// The image example's grayscale for the BullMQ worker, in JavaScript as Apium's is in Java
// (javax.imageio): pngjs (pure JS; inflate/deflate by Node's zlib) decodes the PNG, a loop over the
// raw RGBA bytes takes the ITU-R 601 luminance 0.299 R + 0.587 G + 0.114 B, pngjs writes an 8-bit
// gray PNG. Takes and returns the example's inline picture {name, data: base64}.
import pngjs from 'pngjs';

const { PNG } = pngjs;

export function grayscale(picture) {
  const image = PNG.sync.read(Buffer.from(picture.data, 'base64'));
  const rgba = image.data;
  for (let i = 0; i < rgba.length; i += 4) {
    const level = Math.round(0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]);
    rgba[i] = level;
    rgba[i + 1] = level;
    rgba[i + 2] = level;
    rgba[i + 3] = 255;
  }
  // colorType 0: one gray byte per pixel (pngjs keeps R = G = B as that byte).
  const png = PNG.sync.write(image, { colorType: 0 });
  return { name: picture.name, data: png.toString('base64'), width: image.width, height: image.height };
}
