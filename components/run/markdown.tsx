"use client";

import type { ComponentProps } from "react";
import { harden } from "rehype-harden";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import { Streamdown } from "streamdown";

/**
 * Model output is untrusted text. Streamdown's defaults parse raw HTML (rehype-raw), turn off
 * rehype-sanitize's DOM-clobbering prefix and let images load from anywhere; here raw HTML stays
 * text, every `id` and `name` is prefixed `user-content-` (so no element a model writes can
 * shadow a global like `document.forms`), links keep to web and mail protocols, and no image
 * loads: an image shows as a note, never a request to a host the model chose (a tracking pixel).
 */
const rehypePlugins: NonNullable<ComponentProps<typeof Streamdown>["rehypePlugins"]> = [
  [rehypeSanitize, defaultSchema],
  [
    harden,
    {
      // Any link target, but only over these protocols (no javascript:, no data:).
      allowedLinkPrefixes: ["*"],
      allowedProtocols: ["https", "http", "mailto"],
      // No image source at all.
      allowedImagePrefixes: [],
      allowDataImages: false,
      imageBlockPolicy: "indicator",
    },
  ],
];

export function ModelMarkdown({ children, isAnimating }: { children: string; isAnimating?: boolean }) {
  return (
    <Streamdown rehypePlugins={rehypePlugins} isAnimating={isAnimating}>
      {children}
    </Streamdown>
  );
}
