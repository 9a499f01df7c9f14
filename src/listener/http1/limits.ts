/**
 * Size limits of the HTTP/1.1 parsers, with their defaults in one readonly object. They bound the
 * memory one connection can make the parser hold: the only bytes a parser keeps are an
 * unfinished line, and every kind of line has a limit here.
 */

export interface Http1Limits {
  /**
   * Bytes of the head: the start line and every header field line, CRLFs included (the empty
   * lines some clients send before a request are not counted). Default 16 KiB, node's default
   * --max-http-header-size. node counts only the target, names and values against the same
   * figure, so near the limit this refuses a little sooner. Trailers have a budget of their own,
   * the same size.
   */
  readonly maxHeaderBytes: number;
  /** Header field lines in the head (and, separately, in the trailers). Default 100. */
  readonly maxHeaderCount: number;
  /**
   * Bytes of one chunk-size line, extensions included. Default 16 KiB, the limit node puts on the
   * extensions of one chunk.
   */
  readonly maxChunkLineBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Http1Limits> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxChunkLineBytes: 16 * 1024,
});
