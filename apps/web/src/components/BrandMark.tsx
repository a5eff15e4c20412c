/**
 * Flare's mark: a flame drawn as SVG, in the brand orange with a lighter core, so it shows
 * the same on every machine (the emoji it replaces showed as a box without an emoji font).
 */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg
      className="brand-mark"
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
    >
      <path
        fill="#f26b1d"
        d="M16.6 1.5c.6 4.4-1.3 7-3.6 9.6-2.3 2.6-5 5.3-5 10.1A8.9 8.9 0 0 0 16.9 30c5.2 0 9.1-3.9 9.1-9.3 0-4.3-2.4-7.5-4.6-9.6.2 2.5-.6 4.3-2 5.2.5-5.8-1.2-11.2-2.8-14.8z"
      />
      <path
        fill="#ffd43b"
        d="M16.5 14.5c.2 2.4-.8 3.7-1.9 5-1.1 1.3-2.3 2.6-2.3 4.9a4.5 4.5 0 0 0 9 0c0-2-1-3.5-2.1-4.6 0 1.2-.4 2-1.1 2.4.2-2.9-.6-5.6-1.6-7.7z"
      />
    </svg>
  )
}
