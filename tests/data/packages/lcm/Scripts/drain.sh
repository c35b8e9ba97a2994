#!/bin/sh
# scale_start / terminate_start: drain the VNF's sessions.
echo drained
