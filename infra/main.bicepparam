using 'main.bicep'

// Example values: replace before deploying. The Twilio auth token and the SendGrid API key are not parameters: put
// them in the Key Vault this template creates (secrets "twilio-auth-token" and "sendgrid-api-key"), see README.md.
param location = 'westeurope'
param namePrefix = 'derisk'
param twilioAccountSid = 'AC_REPLACE_WITH_YOUR_ACCOUNT_SID'
param twilioFromNumber = '+14155550123'
param sendGridFromEmail = 'alerts@example.com'
param publicBaseUrl = ''
param alertEmail = 'oncall@example.com'
param marketMode = 'Live'
param tickMode = 'SingleInstance'
param marketPollSchedule = '0 */5 * * * *'
param dispatchSchedule = '*/10 * * * * *'
param housekeepingSchedule = '0 15 3 * * *'
param maximumInstanceCount = 40
