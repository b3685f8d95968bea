/** The app as it names itself on the wire (User-Agent, RFC 7852 DeviceInfo). Kept equal to package.json by a test. */
export const APP_NAME = 'Secours Softphone';
export const APP_VERSION = '0.1.0';
