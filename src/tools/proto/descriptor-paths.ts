/**
 * Field numbers of descriptor.proto used to address elements in SourceCodeInfo paths
 * (descriptor.proto, "SourceCodeInfo.Location.path"). Named once so rules read as prose.
 */
export const FILE = { package: 2, dependency: 3, messageType: 4, enumType: 5, service: 6, extension: 7, options: 8, syntax: 12, edition: 14 } as const;
export const MESSAGE = { name: 1, field: 2, nestedType: 3, enumType: 4, extensionRange: 5, extension: 6, options: 7, oneofDecl: 8, reservedRange: 9, reservedName: 10 } as const;
export const FIELD = { name: 1, extendee: 2, number: 3, label: 4, type: 5, typeName: 6, defaultValue: 7, options: 8, jsonName: 10 } as const;
export const ENUM = { name: 1, value: 2, options: 3, reservedRange: 4, reservedName: 5 } as const;
export const ENUM_VALUE = { name: 1, number: 2, options: 3 } as const;
export const SERVICE = { name: 1, method: 2, options: 3 } as const;
export const METHOD = { name: 1, inputType: 2, outputType: 3, options: 4, clientStreaming: 5, serverStreaming: 6 } as const;
export const ONEOF = { name: 1, options: 2 } as const;
export const ENUM_OPTIONS = { allowAlias: 2 } as const;
