/**
 * The summary page's HTML shell. Pure TypeScript so the unit tests can check the CSP; the host fills in the webview's
 * resource uris and a fresh nonce. The shell carries no data: everything the page shows arrives as typed messages.
 */

export interface PageResources {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri` of dist/panel/main.js and dist/panel/style.css. */
  scriptUri: string;
  styleUri: string;
  /** Base64 from `crypto.randomBytes(16)`; new for every HTML shell. */
  nonce: string;
}

/**
 * The Content-Security-Policy: nothing by default, scripts only with the nonce, styles, fonts and images only from the
 * extension's own files (plus data: images). No 'unsafe-inline' anywhere, so the page sets no inline styles.
 */
export function contentSecurityPolicy({ cspSource, nonce }: Pick<PageResources, "cspSource" | "nonce">): string {
  return (
    `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; ` +
    `script-src 'nonce-${nonce}'; font-src ${cspSource};`
  );
}

function attribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function pageHtml(resources: PageResources): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(contentSecurityPolicy(resources))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(resources.styleUri)}">
<title>Sentiment Summary</title>
</head>
<body>
<main id="root"></main>
<script nonce="${attribute(resources.nonce)}" src="${attribute(resources.scriptUri)}"></script>
</body>
</html>`;
}
