// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

// Compiled here only so the build emits an artifact for OpenZeppelin's TimelockController, unmodified.
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
