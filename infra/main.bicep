// DeRisk on Azure: the Functions app on Flex Consumption with a system-assigned managed identity, its storage
// (tables, queues, deployment package) reached by identity — no keys or connection strings in app settings —,
// Service Bus (the notifications queue), Key Vault for the Twilio and SendGrid secrets, Application Insights on Log
// Analytics, and alerts on dead-lettered notifications and on a stale market snapshot.
// Deploy: see README.md ("Deploy to Azure"). Parameters: main.bicepparam.

targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short lowercase prefix for resource names (3-11 letters or digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'derisk'

@description('Twilio account SID (AC...). Not a secret; the auth token is.')
param twilioAccountSid string

@description('Sending number in E.164 form, e.g. +14155550123.')
param twilioFromNumber string

@description('Verified SendGrid sender address alerts come from. The API key is a Key Vault secret, not a parameter.')
param sendGridFromEmail string

@description('Public https base URL of the app, for the Twilio status and inbound webhooks (their signatures are checked against it). Empty: https://<function app name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Where alert notifications go (dead letters, stale market data). Empty: alerts fire without an action group.')
param alertEmail string = ''

@description('Market data source: Live (CoinGecko + alternative.me) or Replay (shipped history).')
@allowed([
  'Live'
  'Replay'
])
param marketMode string = 'Live'

@description('SingleInstance: the timer evaluates every shard (up to about 100k subscribers). FanOut: one queue message per shard, evaluated by EvaluateShard on as many instances as the plan scales to.')
@allowed([
  'SingleInstance'
  'FanOut'
])
param tickMode string = 'SingleInstance'

@description('Six-field NCRONTAB schedule of the market poll.')
param marketPollSchedule string = '0 */5 * * * *'

@description('Six-field NCRONTAB schedule of the notification dispatcher.')
param dispatchSchedule string = '*/10 * * * * *'

@description('Daily clean-up of expired rate-limit counters, expired codes and unconfirmed sign-ups (NCRONTAB, UTC).')
param housekeepingSchedule string = '0 15 3 * * *'

@description('Countries (ISO 3166, comma-separated) whose mobile numbers may be sent SMS; keep it to the countries you serve (SMS pumping guard).')
param smsCountries string = 'US,CA,GB,IE,DE,FR,NL,BE,LU,AT,CH,ES,PT,IT,DK,SE,NO,FI,AU,NZ,SG,JP'

@description('Confirmation SMS the app may send per hour across all clients.')
@minValue(1)
param smsCodesPerHour int = 200

@description('Most instances the Flex Consumption plan may scale to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

var suffix = uniqueString(resourceGroup().id, namePrefix)
var storageName = toLower(take('${namePrefix}${suffix}', 24))
var deploymentContainer = 'deployment-package'
var twilioTokenSecret = 'twilio-auth-token'
var sendGridKeySecret = 'sendgrid-api-key'
var appName = '${namePrefix}-func-${suffix}'
var baseUrl = empty(publicBaseUrl) ? 'https://${appName}.azurewebsites.net' : publicBaseUrl
var notificationsQueue = 'notifications'

// Critical alerts (a depeg) travel in their own queue, which the dispatcher drains first.
var notificationQueues = [
  notificationsQueue
  '${notificationsQueue}-critical'
]

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Data Owner, not Sender + Receiver: the health endpoint reads the queue's runtime counts, a Manage operation.
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
}

// Service Bus Standard (duplicate detection needs it): the notification id is the MessageId, so a notification
// queued twice within the window is dropped; the dispatcher dead-letters after Dispatch__MaxDeliveryCount
// transient failures, and the queue's own max delivery count is the safety net above it.
resource bus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: '${namePrefix}-sb-${suffix}'
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for name in notificationQueues: {
  parent: bus
  name: name
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P2D'
  }
}]

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-logs-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-ai-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${namePrefix}-kv-${suffix}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan-${suffix}'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'MarketPollSchedule', value: marketPollSchedule }
        { name: 'DispatchSchedule', value: dispatchSchedule }
        { name: 'HousekeepingSchedule', value: housekeepingSchedule }
        { name: 'ShardQueueName', value: 'derisk-shards' }
        { name: 'Tick__Mode', value: tickMode }
        { name: 'Tick__ConsoleUrl', value: '${baseUrl}/api/console/' }
        { name: 'Storage__AccountName', value: storage.name }
        { name: 'Market__Mode', value: marketMode }
        { name: 'Twilio__BaseUrl', value: 'https://api.twilio.com' }
        { name: 'Twilio__AccountSid', value: twilioAccountSid }
        { name: 'Twilio__AuthToken', value: '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${twilioTokenSecret}/)' }
        { name: 'Twilio__FromNumber', value: twilioFromNumber }
        { name: 'Twilio__StatusCallbackUrl', value: '${baseUrl}/api/twilio/status' }
        { name: 'Twilio__InboundUrl', value: '${baseUrl}/api/twilio/inbound' }
        { name: 'SendGrid__BaseUrl', value: 'https://api.sendgrid.com' }
        { name: 'SendGrid__ApiKey', value: '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/${sendGridKeySecret}/)' }
        { name: 'SendGrid__FromEmail', value: sendGridFromEmail }
        { name: 'ServiceBus__FullyQualifiedNamespace', value: '${bus.name}.servicebus.windows.net' }
        { name: 'NotificationQueue__QueueName', value: notificationsQueue }
        { name: 'Access__TrustedProxyCount', value: '1' }
        { name: 'Access__SmsCountries', value: smsCountries }
        { name: 'Access__SmsCodesPerHour', value: string(smsCodesPerHour) }
      ]
    }
  }
}

// The app's identity gets exactly what it uses: its storage (blobs for the package and host, queues, tables),
// the Key Vault secrets it references, and publishing its telemetry.
var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, app.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: app.identity.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource busAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(bus.id, app.id, roles.serviceBusDataOwner)
  scope: bus
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Alerts. A notification in the dead-letter queue is an alert somebody did not get: page on the first one.
resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${namePrefix}-ops-${suffix}'
  location: 'global'
  properties: {
    groupShortName: 'derisk-ops'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

var actions = empty(alertEmail) ? [] : [
  {
    actionGroupId: operators.id
  }
]

resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-dead-letters-${suffix}'
  location: 'global'
  properties: {
    description: 'Notifications were dead-lettered: an alert did not reach a subscriber. Inspect with the dead-letter reason.'
    severity: 1
    enabled: true
    scopes: [
      bus.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLettered'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: notificationQueues
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: actions
  }
}

// Stale market data: no snapshot logged in 15 minutes (three missed 5-minute polls), or snapshots with missing or
// stale values. Rules never fire on stale data, so this is the alert that says alerts are not being evaluated.
resource staleSnapshotAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-stale-market-${suffix}'
  location: location
  properties: {
    description: 'The market snapshot is stale: no poll in 15 minutes, or a source returned missing or stale values.'
    severity: 2
    enabled: true
    scopes: [
      insights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message startswith "Market snapshot at" | extend unusable = toint(extract(@"(\\d+) missing or stale", 1, message)) | summarize snapshots = count(), stale = countif(unusable > 0) | where snapshots == 0 or stale > 0'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(alertEmail) ? [] : [
        operators.id
      ]
    }
  }
}

resource smsCeilingAlert 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${namePrefix}-sms-ceiling-${suffix}'
  location: location
  properties: {
    description: 'Confirmation SMS hit the app-wide hourly ceiling (event 4110): SMS sign-up is refused until the hour ends. Likely SMS pumping; raise Access__SmsCodesPerHour only if the traffic is genuine.'
    severity: 1
    enabled: true
    scopes: [
      insights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces | where message startswith "Confirmation SMS ceiling reached"'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(alertEmail) ? [] : [
        operators.id
      ]
    }
  }
}

@description('The Function App name, for `func azure functionapp publish` or zip deploy.')
output functionAppName string = app.name

@description('Key Vault that must hold the secrets named by twilioAuthTokenSecretName and sendGridApiKeySecretName.')
output keyVaultName string = vault.name

output twilioAuthTokenSecretName string = twilioTokenSecret

output sendGridApiKeySecretName string = sendGridKeySecret

output serviceBusNamespace string = bus.name

output storageAccountName string = storage.name
