// Markdown → HTML for the package READMEs, CHANGELOGs and the User model page (marked, GFM).
// The site must never fetch anything from outside 127.0.0.1: raw HTML in the Markdown is shown as
// text, and an image that is not a local file becomes a link to it (a README badge would
// otherwise be loaded from its host the moment the page opens).
import { Marked } from 'marked';

const esc = (s) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const remote = (href) => /^[a-z][a-z0-9+.-]*:|^\/\//i.test(href ?? '') && !/^data:/i.test(href ?? '');

const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text }) {
      return esc(text);
    },
    image({ href, title, text }) {
      if (remote(href)) return `<a href="${esc(href)}" class="remote-image">${esc(text || href)}</a>`;
      return `<img src="${esc(href)}" alt="${esc(text)}"${title ? ` title="${esc(title)}"` : ''}>`;
    },
  },
});

/** A Markdown document as HTML. */
export const markdown = (text) => marked.parse(text, { async: false });
/** One line of Markdown (code spans, emphasis, links) as inline HTML. */
export const markdownInline = (text) => marked.parseInline(text, { async: false });
