/**
 * The JSON and envelope check of a 2xx answer, made once per response: the body is decoded and
 * parsed here (a body that does not parse — truncated, an HTML page — or that carries the
 * provider's error envelope is a problem the transport may retry), and the parsed value travels
 * up to openapi-fetch inside a `ParsedResponse`, whose `json()` hands it back without parsing
 * again.
 */

const utf8 = new TextDecoder();

/** Images, audio, video and octet streams are binary answers (an avatar), never JSON to parse. */
export function isMediaBody(contentType: string | null): boolean {
  return contentType !== null && /^\s*(image|audio|video)\/|^\s*application\/octet-stream/i.test(contentType);
}

/** Whether a fully read answer is a JSON body to check: a 2xx with bytes that are not media. */
export function isJsonCandidate(response: Response, bytes: ArrayBuffer | null): bytes is ArrayBuffer {
  return (
    response.ok &&
    bytes !== null &&
    bytes.byteLength > 0 &&
    !isMediaBody(response.headers.get('content-type'))
  );
}

/** A 2xx body as JSON, or what is wrong with it (not JSON, or the provider's error envelope). */
export function checkJson(
  bytes: ArrayBuffer,
  contentType: string | null,
  isErrorBody: ((body: unknown) => boolean) | undefined,
): { value: unknown } | { problem: string; body?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return { problem: `the response is not JSON (content-type ${contentType ?? 'missing'})` };
  }
  if (isErrorBody?.(value)) return { problem: 'a success status carrying an error body', body: value };
  return { value };
}

/**
 * A fully read JSON response: `json()` returns the value already parsed, and the other readers
 * serve the bytes kept here. It carries no body stream of its own (building one per response was
 * a tenth of a request's CPU); `body` makes one on demand. Clones share the parsed value. It always
 * states its Content-Length (the decoded bytes it holds): openapi-fetch reads a JSON body with
 * `text()` + `JSON.parse` when there is none (a chunked or compressed answer), which would parse
 * every such body a second time.
 *
 * The class is made on first use, not at module load: extending `Response` makes Node load its
 * whole fetch implementation, about 25 ms of every cold start that never sends a request.
 */
export function parsedResponse(bytes: ArrayBuffer, response: Response, value: unknown): Response {
  // The answer's own Headers object is shared, not copied; only a missing length makes a copy.
  let headers: Headers = response.headers;
  if (!headers.has('content-length')) {
    headers = new Headers(headers);
    headers.set('content-length', String(bytes.byteLength));
  }
  parsedResponseClass ??= makeParsedResponseClass();
  return new parsedResponseClass(bytes, response.status, response.statusText, headers, value);
}

type ParsedResponseClass = new (
  bytes: ArrayBuffer,
  status: number,
  statusText: string,
  headers: Headers,
  value: unknown,
) => Response;
let parsedResponseClass: ParsedResponseClass | undefined;

function makeParsedResponseClass(): ParsedResponseClass {
  return class ParsedResponse extends Response {
    readonly #bytes: ArrayBuffer;
    readonly #headers: Headers;
    readonly #value: unknown;
    constructor(bytes: ArrayBuffer, status: number, statusText: string, headers: Headers, value: unknown) {
      super(null, { status, statusText });
      this.#bytes = bytes;
      this.#headers = headers;
      this.#value = value;
    }
    static {
      Object.defineProperties(ParsedResponse.prototype, {
        body: {
          get(this: ParsedResponse) {
            return new Blob([this.#bytes]).stream();
          },
        },
        headers: {
          get(this: ParsedResponse) {
            return this.#headers;
          },
        },
      });
    }
    override json(): Promise<unknown> {
      return Promise.resolve(this.#value);
    }
    override text(): Promise<string> {
      return Promise.resolve(utf8.decode(this.#bytes));
    }
    override arrayBuffer(): Promise<ArrayBuffer> {
      return Promise.resolve(this.#bytes.slice(0));
    }
    override bytes(): Promise<Uint8Array<ArrayBuffer>> {
      return Promise.resolve(new Uint8Array(this.#bytes.slice(0)));
    }
    override blob(): Promise<Blob> {
      return Promise.resolve(new Blob([this.#bytes], { type: this.#headers.get('content-type') ?? '' }));
    }
    override clone(): Response {
      return new ParsedResponse(this.#bytes, this.status, this.statusText, this.#headers, this.#value);
    }
  };
}
