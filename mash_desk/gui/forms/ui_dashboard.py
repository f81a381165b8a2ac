# source-sha256: 005e29ed5af2ba63d440dfa69b1633dba3a5aca1af0a89d031af7ed56eac3a24
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'dashboard.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QGridLayout, QHBoxLayout,
    QLabel, QPushButton, QScrollArea, QSizePolicy,
    QSpacerItem, QSplitter, QTabWidget, QVBoxLayout,
    QWidget)

class Ui_DashboardView(object):
    def setupUi(self, DashboardView):
        if not DashboardView.objectName():
            DashboardView.setObjectName(u"DashboardView")
        DashboardView.resize(1340, 640)
        self.mainLayout = QVBoxLayout(DashboardView)
        self.mainLayout.setSpacing(6)
        self.mainLayout.setObjectName(u"mainLayout")
        self.filtersLayout = QHBoxLayout()
        self.filtersLayout.setObjectName(u"filtersLayout")
        self.titleLabel = QLabel(DashboardView)
        self.titleLabel.setObjectName(u"titleLabel")

        self.filtersLayout.addWidget(self.titleLabel)

        self.titleSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.filtersLayout.addItem(self.titleSpacer)

        self.monthLabel = QLabel(DashboardView)
        self.monthLabel.setObjectName(u"monthLabel")

        self.filtersLayout.addWidget(self.monthLabel)

        self.monthCombo = QComboBox(DashboardView)
        self.monthCombo.setObjectName(u"monthCombo")
        self.monthCombo.setMinimumContentsLength(16)

        self.filtersLayout.addWidget(self.monthCombo)

        self.monthsLabel = QLabel(DashboardView)
        self.monthsLabel.setObjectName(u"monthsLabel")

        self.filtersLayout.addWidget(self.monthsLabel)

        self.monthsCombo = QComboBox(DashboardView)
        self.monthsCombo.setObjectName(u"monthsCombo")

        self.filtersLayout.addWidget(self.monthsCombo)

        self.teamLabel = QLabel(DashboardView)
        self.teamLabel.setObjectName(u"teamLabel")

        self.filtersLayout.addWidget(self.teamLabel)

        self.teamCombo = QComboBox(DashboardView)
        self.teamCombo.setObjectName(u"teamCombo")
        self.teamCombo.setMinimumContentsLength(14)

        self.filtersLayout.addWidget(self.teamCombo)

        self.refreshButton = QPushButton(DashboardView)
        self.refreshButton.setObjectName(u"refreshButton")

        self.filtersLayout.addWidget(self.refreshButton)

        self.boardButton = QPushButton(DashboardView)
        self.boardButton.setObjectName(u"boardButton")

        self.filtersLayout.addWidget(self.boardButton)


        self.mainLayout.addLayout(self.filtersLayout)

        self.statusLabel = QLabel(DashboardView)
        self.statusLabel.setObjectName(u"statusLabel")
        self.statusLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.statusLabel)

        self.bodySplitter = QSplitter(DashboardView)
        self.bodySplitter.setObjectName(u"bodySplitter")
        self.bodySplitter.setOrientation(Qt.Orientation.Horizontal)
        self.bodySplitter.setChildrenCollapsible(False)
        self.tilesScroll = QScrollArea(self.bodySplitter)
        self.tilesScroll.setObjectName(u"tilesScroll")
        self.tilesScroll.setWidgetResizable(True)
        self.tilesHost = QWidget()
        self.tilesHost.setObjectName(u"tilesHost")
        self.tilesGrid = QGridLayout(self.tilesHost)
        self.tilesGrid.setSpacing(8)
        self.tilesGrid.setObjectName(u"tilesGrid")
        self.tilesScroll.setWidget(self.tilesHost)
        self.bodySplitter.addWidget(self.tilesScroll)
        self.chartTabs = QTabWidget(self.bodySplitter)
        self.chartTabs.setObjectName(u"chartTabs")
        self.chartTabs.setDocumentMode(True)
        self.bodySplitter.addWidget(self.chartTabs)

        self.mainLayout.addWidget(self.bodySplitter)

        self.mainLayout.setStretch(2, 1)
#if QT_CONFIG(shortcut)
        self.monthLabel.setBuddy(self.monthCombo)
        self.monthsLabel.setBuddy(self.monthsCombo)
        self.teamLabel.setBuddy(self.teamCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.monthCombo, self.monthsCombo)
        QWidget.setTabOrder(self.monthsCombo, self.teamCombo)
        QWidget.setTabOrder(self.teamCombo, self.refreshButton)
        QWidget.setTabOrder(self.refreshButton, self.boardButton)
        QWidget.setTabOrder(self.boardButton, self.tilesScroll)
        QWidget.setTabOrder(self.tilesScroll, self.chartTabs)

        self.retranslateUi(DashboardView)

        QMetaObject.connectSlotsByName(DashboardView)
    # setupUi

    def retranslateUi(self, DashboardView):
#if QT_CONFIG(accessibility)
        DashboardView.setAccessibleName(QCoreApplication.translate("DashboardView", u"Figures dashboard", None))
#endif // QT_CONFIG(accessibility)
        self.titleLabel.setText(QCoreApplication.translate("DashboardView", u"Front-door figures", None))
        self.monthLabel.setText(QCoreApplication.translate("DashboardView", u"&Month:", None))
#if QT_CONFIG(accessibility)
        self.monthCombo.setAccessibleName(QCoreApplication.translate("DashboardView", u"Last month of the period", None))
#endif // QT_CONFIG(accessibility)
        self.monthsLabel.setText(QCoreApplication.translate("DashboardView", u"&Period:", None))
#if QT_CONFIG(accessibility)
        self.monthsCombo.setAccessibleName(QCoreApplication.translate("DashboardView", u"Number of months in the period, ending with the chosen month", None))
#endif // QT_CONFIG(accessibility)
        self.teamLabel.setText(QCoreApplication.translate("DashboardView", u"T&eam:", None))
#if QT_CONFIG(accessibility)
        self.teamCombo.setAccessibleName(QCoreApplication.translate("DashboardView", u"Team", None))
#endif // QT_CONFIG(accessibility)
        self.refreshButton.setText(QCoreApplication.translate("DashboardView", u"&Refresh", None))
#if QT_CONFIG(tooltip)
        self.refreshButton.setToolTip(QCoreApplication.translate("DashboardView", u"Compute the figures again (F5)", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(accessibility)
        self.refreshButton.setAccessibleName(QCoreApplication.translate("DashboardView", u"Refresh the figures", None))
#endif // QT_CONFIG(accessibility)
        self.boardButton.setText(QCoreApplication.translate("DashboardView", u"&Board report\u2026", None))
#if QT_CONFIG(tooltip)
        self.boardButton.setToolTip(QCoreApplication.translate("DashboardView", u"Save a month's board report as a PDF or a workbook", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(accessibility)
        self.boardButton.setAccessibleName(QCoreApplication.translate("DashboardView", u"Board report", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.boardButton.setAccessibleDescription(QCoreApplication.translate("DashboardView", u"Save a month's figures for the safeguarding partnership board as a PDF or a workbook", None))
#endif // QT_CONFIG(accessibility)
        self.statusLabel.setText(QCoreApplication.translate("DashboardView", u"Loading\u2026", None))
#if QT_CONFIG(accessibility)
        self.statusLabel.setAccessibleDescription(QCoreApplication.translate("DashboardView", u"Dashboard status", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.tilesScroll.setAccessibleName(QCoreApplication.translate("DashboardView", u"Measures", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.chartTabs.setAccessibleName(QCoreApplication.translate("DashboardView", u"Charts and details", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

