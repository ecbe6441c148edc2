/**
 * Everything the imi.chat v3.1 docs do not show, assumed in exactly one place (the spec marks
 * each with x-unverified and the same assumption). Change a line here when the truth is known.
 */

/** Request header carrying base64(APIKey@DomainName) on GET /authorize. */
export const AUTHORIZE_HEADER = 'key';

/** `page` is 1-based. */
export const FIRST_PAGE = 1;

/** Users per page (fixed by the API); a shorter page is the last one, as no total is sent. */
export const PAGE_SIZE = 10;

/** The users/search body: the `/chats/search` filter vocabulary. */
export interface SearchFilter {
  field: 'status' | 'created_at' | 'updated_at' | 'accepting_chats' | 'active_chats';
  operator: 'eq' | 'lt' | 'gt' | 'lte' | 'gte';
  value: string | number | boolean;
}
export const searchBody = (filters: readonly SearchFilter[]) => ({ filters: [...filters] });
