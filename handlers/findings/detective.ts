/**
 * Links into the Amazon Detective console. Detective documents its console URLs as
 * `https://console.aws.amazon.com/detective/home?region=<Region>#<type>/...` (user guide,
 * "Navigating to a profile using a URL") and its Investigations page as `#investigations`; it
 * publishes no format for one investigation report, so the report link is the Investigations
 * page path followed by the investigation id. It is built here and nowhere else.
 */

/** The console host of each partition that has Detective; commercial Regions otherwise. */
const CONSOLE_HOST_OF_PARTITION: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** The console page of one investigation, in the behavior graph's Region and partition. */
export function investigationReportUrl(graphArn: string, investigationId: string): string {
  const [, partition = 'aws', , region = ''] = graphArn.split(':');
  const host = CONSOLE_HOST_OF_PARTITION[partition] ?? CONSOLE_HOST_OF_PARTITION.aws;
  return `https://${host}/detective/home?region=${region}#investigations/${encodeURIComponent(investigationId)}`;
}
