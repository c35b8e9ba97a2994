#!/bin/sh
# scale_end: rebalance the sessions across the VNF's VMs.
echo rebalanced
