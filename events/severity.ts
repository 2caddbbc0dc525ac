/**
 * Security Hub's Severity.Label values, lowest first; Detective rates investigations with the
 * same five. A module of its own so config and handlers take it without any event schema.
 */
export const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type SeverityLabel = (typeof SEVERITY_LABELS)[number];
