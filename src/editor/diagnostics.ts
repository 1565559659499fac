/** Opt-in: negative units as Information diagnostics, so the Problems panel and screen readers list them. */
import * as vscode from "vscode";
import type { DocumentResults } from "./analysisService";
import { openDocument, unitRanges } from "./documents";

export class NegativeDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection("inlineSentiment");

  constructor(private enabled: boolean) {}

  setEnabled(enabled: boolean, all: readonly DocumentResults[]): void {
    this.enabled = enabled;
    this.collection.clear();
    if (enabled) all.forEach((results) => this.update(results));
  }

  update(results: DocumentResults): void {
    if (!this.enabled) return;
    const document = openDocument(results.uri);
    if (!document || document.version !== results.version) return;
    const rangeOf = unitRanges(document, results);
    const diagnostics = results.units.flatMap((unit, i) => {
      if (unit.polarity !== "negative") return [];
      const diagnostic = new vscode.Diagnostic(rangeOf(i), `Negative sentiment (${Math.round(unit.score * 100)}% confidence)`, vscode.DiagnosticSeverity.Information);
      diagnostic.source = "Inline Sentiment";
      return [diagnostic];
    });
    this.collection.set(results.uri, diagnostics);
  }

  delete(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
