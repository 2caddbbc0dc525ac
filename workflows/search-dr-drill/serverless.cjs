// This state machine's serverless fragment: events, IAM, alarms and definition, rendered from
// workflow.ts and config/<stage>.json by workflows/deployment.ts.
module.exports = require('../serverless.cjs').stateMachine('search-dr-drill');
