using 'main.bicep'

// Example values: replace before deploying. The Twilio auth token is not a parameter: put it in the Key Vault
// this template creates (secret "twilio-auth-token"), see README.md.
param location = 'westeurope'
param namePrefix = 'derisk'
param twilioAccountSid = 'AC_REPLACE_WITH_YOUR_ACCOUNT_SID'
param twilioFromNumber = '+14155550123'
param marketMode = 'Live'
param marketPollSchedule = '0 */5 * * * *'
param dispatchSchedule = '*/10 * * * * *'
param maximumInstanceCount = 40
