#!/bin/bash
export K=1
