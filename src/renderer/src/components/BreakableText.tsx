import { Fragment } from 'react';

/** Characters after which a long identifier may wrap: a tensor's path ("model_1/conv2d/BiasAdd;..."), a file stem ("face_detection_short_range"). */
const SEPARATOR_AFTER = /(?<=[/_\-.;:,|])/;

/**
 * A long name that wraps at its own separators instead of mid-word or not at all: an identifier
 * has no spaces, so without these break points the browser either widens its column to the whole
 * name (squeezing its neighbours) or cuts it anywhere. The CSS still allows a break anywhere as a
 * last resort (overflow-wrap: anywhere) for a separator-free run longer than the column.
 */
export function BreakableText({ text }: { text: string }) {
  const parts = text.split(SEPARATOR_AFTER);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
