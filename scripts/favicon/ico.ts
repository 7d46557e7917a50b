/**
 * The ICO container, for `app/favicon.ico`: a 6-byte header, one 16-byte directory entry per
 * image, then the images. Each image is stored as a PNG, which every browser that asks for
 * /favicon.ico reads (Windows Vista's format; no BMP and mask needed).
 */

export interface IcoImage {
  /** Width and height in pixels (square), 1 to 256. */
  size: number;
  png: Uint8Array;
}

const HEADER_BYTES = 6;
const ENTRY_BYTES = 16;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Packs square PNGs into one .ico file. */
export function packIco(images: readonly IcoImage[]): Uint8Array {
  const total =
    HEADER_BYTES + ENTRY_BYTES * images.length + images.reduce((sum, image) => sum + image.png.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, 1, true); // type 1: icon
  view.setUint16(4, images.length, true);
  let offset = HEADER_BYTES + ENTRY_BYTES * images.length;
  images.forEach((image, index) => {
    if (!Number.isInteger(image.size) || image.size < 1 || image.size > 256) {
      throw new Error(`An icon is 1 to 256 pixels wide, not ${image.size}.`);
    }
    const entry = HEADER_BYTES + ENTRY_BYTES * index;
    view.setUint8(entry, image.size % 256); // 0 means 256
    view.setUint8(entry + 1, image.size % 256);
    view.setUint16(entry + 4, 1, true); // colour planes
    view.setUint16(entry + 6, 32, true); // bits per pixel
    view.setUint32(entry + 8, image.png.length, true);
    view.setUint32(entry + 12, offset, true);
    bytes.set(image.png, offset);
    offset += image.png.length;
  });
  return bytes;
}

/** Reads an .ico back: its images' sizes and bytes, checking each is a PNG that lies inside the file. */
export function readIco(bytes: Uint8Array): IcoImage[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || view.getUint16(0, true) !== 0 || view.getUint16(2, true) !== 1) {
    throw new Error("Not an .ico file.");
  }
  const count = view.getUint16(4, true);
  return Array.from({ length: count }, (_, index) => {
    const entry = HEADER_BYTES + ENTRY_BYTES * index;
    const length = view.getUint32(entry + 8, true);
    const offset = view.getUint32(entry + 12, true);
    if (offset + length > bytes.length) throw new Error(`Icon ${index} runs past the end of the file.`);
    const png = bytes.subarray(offset, offset + length);
    if (!PNG_SIGNATURE.every((byte, at) => png[at] === byte)) throw new Error(`Icon ${index} is not a PNG.`);
    return { size: view.getUint8(entry) || 256, png };
  });
}

/** A PNG's width and height, from its IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
