// Types of demo-site.mjs for the TypeScript tests that import it (the tree is compiled without allowJs).

export declare const BLOG_ADDRESS: string;
export declare const SHOP_ADDRESS: string;
export declare const DEFAULT_PORT: number;

/** A dead link of the blog, as the crawl should report it as a prospect. */
export interface DeadLink {
  sourceUrl: string;
  deadUrl: string;
  reason: 'not_found' | 'gone' | 'soft_404';
  anchorText: string;
}

export declare function deadLinks(port?: number): DeadLink[];

export declare function startDemoSite(options?: { port?: number; log?: (line: string) => void }): Promise<{
  blogUrl: string;
  shopUrl: string;
  close(): Promise<void>;
}>;
