"""The safety director's quarterly report to the regulator and the monthly notice to the
workforce (公示): the period's figures from every area, the director's comments, and once
made final, kept as they were signed."""
