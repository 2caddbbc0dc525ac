/** Detective Indicator objects as ListIndicators returns them (API reference field names). */

export const ttp = (Technique: string, APIName: string, IpAddress = '198.51.100.7', Tactic = 'Discovery') => ({
  IndicatorType: 'TTP_OBSERVED',
  IndicatorDetail: {
    TTPsObservedDetail: { Tactic, Technique, Procedure: `${APIName} called`, IpAddress, APIName, APISuccessCount: 3, APIFailureCount: 1 },
  },
});

export const flaggedIp = (IpAddress: string) => ({
  IndicatorType: 'FLAGGED_IP_ADDRESS',
  IndicatorDetail: { FlaggedIpAddressDetail: { IpAddress, Reason: 'AWS_THREAT_INTELLIGENCE' } },
});

export const impossibleTravel = (StartingLocation: string, EndingLocation: string) => ({
  IndicatorType: 'IMPOSSIBLE_TRAVEL',
  IndicatorDetail: {
    ImpossibleTravelDetail: { StartingIpAddress: '192.0.2.1', EndingIpAddress: '203.0.113.9', StartingLocation, EndingLocation, HourlyTimeDelta: 1 },
  },
});

export const newGeolocation = (Location: string) => ({
  IndicatorType: 'NEW_GEOLOCATION',
  IndicatorDetail: { NewGeolocationDetail: { Location, IpAddress: '203.0.113.9', IsNewForEntireAccount: true } },
});

export const newAso = (Aso: string) => ({ IndicatorType: 'NEW_ASO', IndicatorDetail: { NewAsoDetail: { Aso, IsNewForEntireAccount: false } } });

export const newUserAgent = (UserAgent: string) => ({
  IndicatorType: 'NEW_USER_AGENT',
  IndicatorDetail: { NewUserAgentDetail: { UserAgent, IsNewForEntireAccount: false } },
});

export const relatedFinding = (Arn: string) => ({
  IndicatorType: 'RELATED_FINDING',
  IndicatorDetail: { RelatedFindingDetail: { Arn, Type: 'Recon:IAMUser/MaliciousIPCaller', IpAddress: '198.51.100.7' } },
});

export const relatedFindingGroup = (Id: string) => ({ IndicatorType: 'RELATED_FINDING_GROUP', IndicatorDetail: { RelatedFindingGroupDetail: { Id } } });
