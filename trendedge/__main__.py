from trendedge.cli.main import main

main()
