import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { decodeImage, type ImageError } from "../../src/io/image.ts";

const DIR = fileURLToPath(new URL("../fixtures/images", import.meta.url));
const index = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8"));
const blob = readFileSync(`${DIR}/expected.bin`);

test("decoding matches PIL's convert('RGB') exactly (alpha dropped, grey/palette expanded)", async () => {
  for (const entry of index.images) {
    const image = await decodeImage(`${DIR}/${entry.image}`);
    assert.equal(image.width, entry.width);
    assert.equal(image.height, entry.height);
    const expected = blob.subarray(entry.rgb, entry.rgb + entry.width * entry.height * 3);
    assert.deepEqual(Buffer.from(image.data), Buffer.from(expected), entry.image);
  }
});

test("undecodable bytes and hostile pixel counts are rejected", async () => {
  await assert.rejects(
    decodeImage(new TextEncoder().encode("not an image")),
    (e: ImageError) => e.kind === "undecodable",
  );
  // A small file declaring a large canvas: rejected from the header, before decoding.
  const big = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: "#000" } })
    .png()
    .toBuffer();
  await assert.rejects(decodeImage(big, { maxPixels: 1_000_000 }), (e: ImageError) => e.kind === "too_large");
  await assert.rejects(decodeImage(`${DIR}/expected.json`), (e: ImageError) => e.kind === "undecodable");
});
