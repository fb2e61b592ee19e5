# nbgrader in every pod of the class (copied to /etc/jupyter by the Dockerfile).
# UNTESTED HERE. The exchange is the ngshare service (see config.yaml), not a shared
# folder: all pods run as uid 1000, so folder permissions could not keep students apart.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "deep-learning-course"
c.ExchangeFactory.exchange = "ngshare_exchange.Exchange"
c.ExchangeFactory.fetch_assignment = "ngshare_exchange.ExchangeFetchAssignment"
c.ExchangeFactory.fetch_feedback = "ngshare_exchange.ExchangeFetchFeedback"
c.ExchangeFactory.release_assignment = "ngshare_exchange.ExchangeReleaseAssignment"
c.ExchangeFactory.release_feedback = "ngshare_exchange.ExchangeReleaseFeedback"
c.ExchangeFactory.list = "ngshare_exchange.ExchangeList"
c.ExchangeFactory.submit = "ngshare_exchange.ExchangeSubmit"
c.ExchangeFactory.collect = "ngshare_exchange.ExchangeCollect"
