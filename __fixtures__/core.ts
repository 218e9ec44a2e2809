import { jest } from '@jest/globals'
import type * as core from '@actions/core'

/** A typed stand-in for @actions/core, for unit tests of modules that mask secrets or log. */
export const setSecret = jest.fn<typeof core.setSecret>()
export const info = jest.fn<typeof core.info>()
export const warning = jest.fn<typeof core.warning>()
export const getInput = jest.fn<typeof core.getInput>()
