import type { ExtractedLink } from './extract.js';
import { isFollowed } from './vocabulary.js';

/**
 * What a check of a won link saw on the source page: our link there (followed or not, with its anchor
 * text), not there (and what took its place, when a link with the same anchor text now goes elsewhere),
 * or the source page gone.
 */
export type LinkObservation =
  | { state: 'present'; followed: boolean; rel: string; anchorText: string }
  | { state: 'missing'; replacedBy: string | null }
  | { state: 'page_gone'; reason: string | null };

/** A change worth telling the outreach tool about, as its webhook event and the word for it. */
export interface LinkChange {
  event: 'link.changed' | 'link.lost';
  change: 'appeared' | 'nofollow' | 'followed' | 'anchor_changed' | 'removed' | 'replaced' | 'page_gone';
}

/**
 * Our link among the source page's links: the first link to the replacement URL (URLs compared as
 * normalized by extraction). When none is there, a link with the anchor text we had before that now
 * points elsewhere is taken as the replacement of ours.
 */
export function observeLink(links: ExtractedLink[], replacementUrl: string, previousAnchor: string | null): LinkObservation {
  const ours = links.find((link) => link.url === replacementUrl);
  if (ours) return { state: 'present', followed: isFollowed(ours.rel), rel: ours.rel, anchorText: ours.anchorText };
  const anchor = previousAnchor?.trim().toLowerCase();
  const instead = anchor ? links.find((link) => link.anchorText.trim().toLowerCase() === anchor) : undefined;
  return { state: 'missing', replacedBy: instead?.url ?? null };
}

/**
 * The change from one observation to the next, or null when there is none to announce. Losing a link
 * needs a link to lose: before our link was first seen, a missing link or a gone page is recorded, not
 * announced.
 */
export function linkChange(previous: LinkObservation | null, current: LinkObservation): LinkChange | null {
  const wasPresent = previous?.state === 'present';
  if (current.state === 'present') {
    if (!wasPresent) return { event: 'link.changed', change: 'appeared' };
    if (previous.followed !== current.followed) return { event: 'link.changed', change: current.followed ? 'followed' : 'nofollow' };
    if (previous.anchorText !== current.anchorText) return { event: 'link.changed', change: 'anchor_changed' };
    return null;
  }
  if (!wasPresent) return null;
  if (current.state === 'page_gone') return { event: 'link.lost', change: 'page_gone' };
  return { event: 'link.lost', change: current.replacedBy ? 'replaced' : 'removed' };
}
